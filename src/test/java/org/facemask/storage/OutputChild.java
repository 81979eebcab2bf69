package org.facemask.storage;

import org.apache.hadoop.conf.Configuration;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A separate JVM for {@link OutputKillTest}: retrains a model folder in a loop until it is killed, each run setting
 * the earlier model aside, writing a whole new version and committing it; every third run fails half way instead
 * (its close puts the earlier model back). Prints "committed N" once run N's commit has returned; its versions
 * start at the one it is given.
 */
public final class OutputChild {
    static final String READY = "ready";
    static final List<String> FILES = List.of("model.zip", "metadata.json", "metrics.json", "model.onnx", "report.html");

    private OutputChild() {
    }

    /** A local file system whose rename OutputLocation takes for a copy, as on S3: the copy path under kills. */
    public static final class CopyingFileSystem extends org.apache.hadoop.fs.LocalFileSystem {
        @Override
        public String getScheme() {
            return "s3a";
        }
    }

    static Configuration conf(boolean copying) {
        Configuration conf = new Configuration();
        if (copying) {
            conf.setClass("fs.file.impl", CopyingFileSystem.class, org.apache.hadoop.fs.FileSystem.class);
            conf.setBoolean("fs.file.impl.disable.cache", true);
        }
        return conf;
    }

    /** Writes version {@code v} of a model: every file says it, so a mix of versions or a cut file shows. */
    static void writeVersion(Path dir, int v) throws Exception {
        for (String f : FILES) {
            Files.writeString(dir.resolve(f), ("version " + v + "\n").repeat(2000));
        }
    }

    /** The version every file of the folder holds, whole; 0 when a file is missing, cut or of another version. */
    static int wholeVersion(Path dir) throws Exception {
        int version = -1;
        for (String f : FILES) {
            Path p = dir.resolve(f);
            if (!Files.isRegularFile(p)) {
                return 0;
            }
            String text = Files.readString(p);
            String first = text.lines().findFirst().orElse("");
            if (!first.startsWith("version ")) {
                return 0;
            }
            int v = Integer.parseInt(first.substring("version ".length()));
            if (!text.equals(("version " + v + "\n").repeat(2000)) || (version >= 0 && v != version)) {
                return 0;
            }
            version = v;
        }
        return version;
    }

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        Configuration conf = conf(Boolean.parseBoolean(args[1]));
        URI uri = model.toUri();
        int first = Integer.parseInt(args[2]); // above every version an earlier child wrote
        for (int v = first; ; v++) {
            try (OutputLocation.Replacement r = OutputLocation.checked(OutputLocation.Writer.TRAIN, uri, true, List.of(), conf)
                    .replace(conf)) {
                if (v % 3 == 2) {
                    Files.writeString(model.resolve("model.zip"), "half a run"); // fails: no commit
                } else {
                    writeVersion(model, v);
                    r.commit();
                    System.out.println("committed " + v);
                }
            }
            if (v == first) {
                System.out.println(READY);
            }
        }
    }
}
