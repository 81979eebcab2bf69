package org.facemask.source;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.facemask.config.StorageUri;
import org.facemask.testing.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The files a glob names on local disk, odd names included (Hadoop's globber failed on ':' and dropped non-UTF-8). */
class ScoreInputsTest {
    @TempDir
    Path tmp;

    @Test
    void aGlobListsEveryMatchOddNamesIncluded() throws Exception {
        Path in = tmp.resolve("in");
        for (String f : new String[]{"cam1/12:00.jpg", "cam1/sub/a.jpg", "cam2/b.jpg", "other/c.jpg", "cam1.jpg"}) {
            Files.createDirectories(in.resolve(f).getParent());
            Files.write(in.resolve(f), new byte[]{1});
        }
        Shell.run("printf x > \"$(printf '%s/cam2/caf\\351.jpg' \"$1\")\"", in.toString());
        FileSystem fs = FileSystem.get(new java.net.URI("file:///"), new Configuration());

        Map<String, String> folders = listed(fs, in, "cam[0-9]");
        assertEquals(Map.of("cam1/12:00.jpg", "", "cam1/sub/a.jpg", "", "cam2/b.jpg", "",
                "cam2/caf%E9.jpg", "unreadable_name"), folders);
        assertEquals(Map.of("cam1/12:00.jpg", ""), listed(fs, in, "cam*/*:*.jpg"));
        assertEquals(Map.of("cam1.jpg", "", "other/c.jpg", ""), listed(fs, in, "{cam1.jpg,other}"));
        assertEquals(Map.of(), listed(fs, in, "nomatch*"));
    }

    private static Map<String, String> listed(FileSystem fs, Path in, String glob) {
        Map<String, String> out = new TreeMap<>();
        String root = "file:" + in + "/";
        for (InputFile f : ScoreInputs.list(fs, StorageUri.parse("score.input", in + "/" + glob))) {
            out.put(f.path().substring(root.length()), f.readable() ? "" : f.rejection().code());
        }
        return out;
    }
}
