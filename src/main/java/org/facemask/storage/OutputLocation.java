package org.facemask.storage;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.facemask.config.ConfigError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The output folder of a job ({@code <job>.output}, {@code <job>.overwrite}): checked before Spark starts and
 * replaced when the job begins writing. Overwriting replaces only what this job wrote before: an empty folder, a
 * folder with the {@value #MARKER} every job writes first, or an output of an earlier version recognised by its
 * files (prepare's summary.json, train's model.zip and metadata.json, ...). Anything else is refused, naming the
 * folder and what is in it, and never deleted.
 */
public final class OutputLocation {
    /** Written into the output folder before anything else, so that even a killed run's output is ours to replace. */
    public static final String MARKER = "_facemask.json";
    private static final Logger LOG = LoggerFactory.getLogger(OutputLocation.class);
    private static final int NAMES_SHOWN = 5;

    /**
     * The jobs that own an output folder, each with how an output written before the marker existed looks: the
     * file that identifies it, and every name such an output holds. A folder without the marker is taken for an
     * older output only when it has the identifying file and nothing but those names (and Hadoop's .crc side files),
     * so a project folder that merely holds a checkpoints/ or a metrics.json of its own is never replaced.
     */
    public enum Writer {
        PREPARE("summary.json", Set.of("summary.json", "images", "rejects")),
        FEATURIZE("featurize.json", Set.of("featurize.json", "features")),
        TRAIN("model.zip and metadata.json, or checkpoints/", Set.of("model.zip", "model.onnx", "metadata.json",
                "metrics.json", "loss.png", "accuracy.png", "confusion_matrix.png", "roc.png", "report.html",
                "checkpoints", "_work")),
        // a model folder has a metrics.json too: evaluate must never take it for its own report
        EVALUATE("metrics.json without model.zip", Set.of("metrics.json", "confusion_matrix.png", "roc.png", "faces.png",
                "report.html"));

        private final String olderOutput;
        private final Set<String> outputNames;

        Writer(String olderOutput, Set<String> outputNames) {
            this.olderOutput = olderOutput;
            this.outputNames = outputNames;
        }

        boolean isOlderOutput(Set<String> names) {
            boolean identified = switch (this) {
                case PREPARE -> names.contains("summary.json");
                case FEATURIZE -> names.contains("featurize.json");
                case TRAIN -> names.contains("checkpoints") || names.containsAll(List.of("model.zip", "metadata.json"));
                case EVALUATE -> names.contains("metrics.json");
            };
            return identified && names.stream().allMatch(this::isOutputName);
        }

        private boolean isOutputName(String name) {
            String plain = name.startsWith(".") && name.endsWith(".crc") ? name.substring(1, name.length() - 4) : name;
            return outputNames.contains(plain) || plain.equals("_SUCCESS");
        }

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Writer writer;
    private final URI uri;
    private final boolean overwrite;
    /** A run continues what is there (train.resume): {@link #replace} leaves it as it is. */
    private final boolean continued;

    private OutputLocation(Writer writer, URI uri, boolean overwrite, boolean continued) {
        this.writer = writer;
        this.uri = uri;
        this.overwrite = overwrite;
        this.continued = continued;
    }

    /**
     * Checks {@code <job>.output} before any Spark work: it must be apart from the job's inputs and models
     * ({@link Location#requireApart}); a missing folder is fine; an existing one needs {@code <job>.overwrite=true}
     * and must be empty or this job's own output.
     *
     * @throws ConfigError naming the key, the folder and, when it is not ours, what is in it
     */
    public static OutputLocation checked(Writer writer, URI uri, boolean overwrite, List<Location> apartFrom,
                                         Configuration conf) {
        OutputLocation output = new OutputLocation(writer, uri, overwrite, false);
        Location.requireApart(output.location(), apartFrom, conf);
        String refusal = output.refusal(conf);
        if (refusal != null) {
            throw new ConfigError(refusal);
        }
        return output;
    }

    /**
     * An output the job continues rather than replaces (train.resume: its checkpoints are the run's state), checked
     * only to be apart from the job's inputs and models.
     *
     * @throws ConfigError naming the key and the location it overlaps
     */
    public static OutputLocation continued(Writer writer, URI uri, List<Location> apartFrom, Configuration conf) {
        OutputLocation output = new OutputLocation(writer, uri, false, true);
        Location.requireApart(output.location(), apartFrom, conf);
        return output;
    }

    public Location location() {
        return new Location(key(), uri);
    }

    /**
     * Makes room for the job's output, checking again (another writer may have come in since the check before
     * Spark started), then writes the marker. Call it before writing anything into the output. A
     * {@link #continued} output is left as it is.
     */
    public void replace(Configuration conf) {
        if (continued) {
            return;
        }
        String refusal = refusal(conf);
        if (refusal != null) {
            throw new IllegalStateException(refusal);
        }
        Path path = new Path(uri);
        try {
            FileSystem fs = path.getFileSystem(conf);
            if (fs.exists(path)) {
                int entries = fs.listStatus(path).length;
                if (entries > 0) {
                    LOG.info("replacing the earlier {} output {} ({} entries)", writer.code(), path, entries);
                }
                if (!fs.delete(path, true)) {
                    throw new IOException("delete returned false");
                }
            }
            if (!fs.mkdirs(path)) {
                throw new IOException("mkdirs returned false");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replace " + writer.code() + " output " + path + ": " + e.getMessage(), e);
        }
        Json.writeFile(Storage.child(uri, MARKER), Map.of("job", writer.code(), "created_at", Instant.now().toString()), conf);
    }

    private String key() {
        return writer.code() + ".output";
    }

    /** Why the output may not be used as it is, or null when it may. */
    private String refusal(Configuration conf) {
        Path path = new Path(uri);
        String shown = path.toString();
        FileSystem fs;
        try {
            fs = path.getFileSystem(conf);
        } catch (IOException | RuntimeException e) {
            return key() + ": cannot open the file system of " + shown + " (" + e.getMessage() + ")";
        }
        try {
            FileStatus status = fs.getFileStatus(path);
            if (!status.isDirectory()) {
                return key() + ": " + shown + " is a file, not a folder; choose a folder for the " + writer.code() + " output";
            }
            Set<String> names = Arrays.stream(fs.listStatus(path)).map(s -> s.getPath().getName())
                    .collect(Collectors.toCollection(TreeSet::new));
            if (!names.isEmpty() && !isOurs(fs, path, names)) {
                return key() + ": " + shown + " holds files that no earlier " + writer.code() + " run wrote ("
                        + shownNames(names) + "); " + writer.code() + ".overwrite replaces only an empty folder or an "
                        + "earlier " + writer.code() + " output (with " + MARKER + ", or " + writer.olderOutput
                        + "): choose another folder, or move those files away yourself";
            }
            if (!overwrite) {
                return key() + ": " + shown + " already exists; set " + writer.code() + ".overwrite=true to replace it";
            }
            return null;
        } catch (java.io.FileNotFoundException e) {
            return null;
        } catch (IOException e) {
            return key() + ": cannot check " + shown + " (" + e.getMessage() + ")";
        }
    }

    private boolean isOurs(FileSystem fs, Path path, Set<String> names) throws IOException {
        if (!names.contains(MARKER)) {
            return writer.isOlderOutput(names);
        }
        try {
            byte[] marker = Storage.readAll(new Path(path, MARKER), fs.getConf());
            return writer.code().equals(Json.read(new String(marker, java.nio.charset.StandardCharsets.UTF_8))
                    .path("job").asText());
        } catch (IllegalArgumentException e) {
            return false; // not our JSON: someone else's file of that name
        }
    }

    private static String shownNames(Set<String> names) {
        String first = names.stream().limit(NAMES_SHOWN).collect(Collectors.joining(", "));
        return names.size() <= NAMES_SHOWN ? first : first + ", ... " + names.size() + " entries in all";
    }
}
