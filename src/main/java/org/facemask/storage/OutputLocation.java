package org.facemask.storage;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
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
    /** This run, in its marker: tells a set-aside output from a later one (see keepLeftAside). */
    private final String runId = java.util.UUID.randomUUID().toString();
    private final Instant createdAt = Instant.now();
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
     * Spark started), then writes the marker. Call it before writing anything into the output, and
     * {@link Replacement#commit} once the output is complete. An earlier output is not deleted here but set aside
     * next to the output ({@code .<name>.previous}): a job that fails puts it back ({@link Replacement#close}
     * without a commit), so a failed nightly retrain leaves the model that was there. A run killed in between
     * leaves both; the next run keeps whichever is complete (the marker of a committed output says so) and
     * deletes the other. A {@link #continued} output is left as it is.
     */
    public Replacement replace(Configuration conf) {
        if (continued) {
            return continuedOutput(conf);
        }
        String refusal = refusal(conf);
        if (refusal != null) {
            throw new IllegalStateException(refusal);
        }
        Path path = new Path(uri);
        try {
            FileSystem fs = path.getFileSystem(conf);
            Path aside = asidePath(path);
            boolean setAside = aside != null && fs.exists(aside) && keepLeftAside(fs, path, aside);
            if (fs.exists(path)) {
                int entries = fs.listStatus(path).length;
                if (entries > 0 && !setAside && aside != null) {
                    LOG.info("setting the earlier {} output {} ({} entries) aside as {} until this run has written its own",
                            writer.code(), path, entries, aside);
                    rename(fs, path, aside);
                    setAside = true;
                } else if (!fs.delete(path, true)) {
                    throw new IOException("delete returned false");
                }
            }
            if (!fs.mkdirs(path)) {
                throw new IOException("mkdirs returned false");
            }
            writeMarker(conf, null);
            return new Replacement(fs, path, setAside ? aside : null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replace " + writer.code() + " output " + path + ": " + e.getMessage(), e);
        }
    }

    /** train.resume: nothing is set aside or put back; an output set aside by a killed run goes once this one completes. */
    private Replacement continuedOutput(Configuration conf) {
        Path path = new Path(uri);
        try {
            FileSystem fs = path.getFileSystem(conf);
            Path aside = asidePath(path);
            boolean ours = aside != null && fs.exists(aside) && isOurs(fs, aside, names(fs, aside));
            return new Replacement(fs, null, ours ? aside : null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the file system of " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * A run was killed while an earlier output was set aside: whether the set-aside one is the output to keep (true),
     * because the killed run's own did not complete, or is stale (deleted here; false).
     */
    private boolean keepLeftAside(FileSystem fs, Path path, Path aside) throws IOException {
        Set<String> names = names(fs, aside);
        if (!isOurs(fs, aside, names)) {
            throw new IllegalStateException(key() + ": " + aside + " is where an earlier output is set aside, but it "
                    + "holds files no " + writer.code() + " run wrote (" + shownNames(names) + "); move it away yourself");
        }
        JsonNode asideMarker = marker(fs, aside);
        JsonNode pathMarker = fs.exists(path) ? marker(fs, path) : null;
        // complete, and written by another run than the set-aside one: where a rename is a copy (S3), a run killed
        // while it deleted the copied files leaves the old output's marker, complete, in a half-emptied folder
        boolean newerComplete = pathMarker != null && pathMarker.has("completed_at") && (asideMarker == null
                || !asideMarker.path("run").asText().equals(pathMarker.path("run").asText()));
        if (newerComplete) {
            LOG.info("deleting {}: an earlier output a killed run had set aside after its own was complete", aside);
            if (!fs.delete(aside, true)) {
                throw new IOException("delete of " + aside + " returned false");
            }
            return false;
        }
        LOG.warn("{} holds the earlier {} output that a killed run set aside; the killed run's incomplete output {} is "
                + "deleted, the earlier one stays aside until this run has written its own", aside, writer.code(), path);
        return true;
    }

    /** Where an earlier output waits while a run writes its own: {@code .<name>.previous} beside it; null for a root. */
    private static Path asidePath(Path output) {
        String uriPath = output.toUri().getPath();
        if (uriPath == null || uriPath.replace("/", "").isEmpty()) {
            return null; // the root of a file system or bucket: nothing beside it
        }
        Path path = withoutTrailingSlash(output);
        return path.getParent() == null ? null
                : new Path(path.getParent(), "." + path.getName() + ".previous");
    }

    /** A folder's URI may end with '/': Path then names its last segment "", and FileContext cannot rename into it. */
    private static Path withoutTrailingSlash(Path folder) {
        String uriPath = folder.toUri().getPath();
        return uriPath != null && uriPath.endsWith("/") ? new Path(folder.toUri().toString().replaceAll("/+$", "")) : folder;
    }

    /** The folder's marker, or null when it has none we can read. */
    private static JsonNode marker(FileSystem fs, Path dir) {
        try {
            byte[] marker = Storage.readAll(new Path(dir, MARKER), fs.getConf());
            return Json.read(new String(marker, java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Set<String> names(FileSystem fs, Path dir) throws IOException {
        return Arrays.stream(fs.listStatus(dir)).map(s -> s.getPath().getName())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The marker of this run: which job, which run, when it started and, once complete, when it completed. */
    private void writeMarker(Configuration conf, Instant completedAt) {
        Map<String, Object> marker = new java.util.LinkedHashMap<>();
        marker.put("job", writer.code());
        marker.put("run", runId);
        marker.put("created_at", createdAt.toString());
        if (completedAt != null) {
            marker.put("completed_at", completedAt.toString());
        }
        Json.writeFile(Storage.child(uri, MARKER), marker, conf);
    }

    private static void rename(FileSystem fs, Path from, Path to) throws IOException {
        if (!fs.rename(from, to)) {
            throw new IOException("rename of " + from + " to " + to + " returned false");
        }
    }

    /**
     * The output a job is writing, and the earlier one set aside while it does: {@link #commit} when the output is
     * complete; {@link #close} without a commit puts the earlier output back (the job failed).
     */
    public final class Replacement implements AutoCloseable {
        private final FileSystem fs;
        /** The output being written; null for a continued output (train.resume), which is never put back. */
        private final Path output;
        /** The earlier output, set aside; null when there was none. */
        private final Path aside;
        private boolean committed;

        private Replacement(FileSystem fs, Path output, Path aside) {
            this.fs = fs;
            this.output = output;
            this.aside = aside;
        }

        /** The output is complete: the marker says so, then the earlier output set aside is deleted. */
        public void commit() {
            if (output != null) {
                writeMarker(fs.getConf(), Instant.now());
            }
            committed = true;
            if (aside != null) {
                try {
                    if (!fs.delete(aside, true)) {
                        throw new IOException("delete returned false");
                    }
                } catch (IOException e) {
                    // the new output is complete: the next run deletes the stale copy (keepLeftAside)
                    LOG.warn("cannot delete the earlier {} output set aside at {}: {}", writer.code(), aside, e.toString());
                }
            }
        }

        /** Without a commit: the job failed; its incomplete output is deleted and the earlier one put back. */
        @Override
        public void close() {
            if (committed || aside == null || output == null) {
                // a first run that failed leaves its incomplete output, marked, for the next to replace (train:
                // to resume); a continued one is the run's own state
                return;
            }
            try {
                if (fs.exists(output) && !fs.delete(output, true)) {
                    throw new IOException("delete of " + output + " returned false");
                }
                // never into a folder a straggling task of the failed job may have made again meanwhile (a plain
                // rename would move the earlier output inside it): then it stays aside, for the next run
                Path to = withoutTrailingSlash(output);
                FileContext.getFileContext(to.toUri(), fs.getConf()).rename(aside, to, Options.Rename.NONE);
                LOG.warn("the {} run failed: the earlier output is back at {}", writer.code(), output);
            } catch (IOException e) {
                throw new UncheckedIOException("the " + writer.code() + " run failed, and its earlier output could not "
                        + "be put back from " + aside + " to " + output + ": " + e.getMessage(), e);
            }
        }
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
            Set<String> names = names(fs, path);
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

    private boolean isOurs(FileSystem fs, Path path, Set<String> names) {
        if (!names.contains(MARKER)) {
            return writer.isOlderOutput(names);
        }
        JsonNode marker = marker(fs, path); // null: not our JSON, someone else's file of that name
        return marker != null && writer.code().equals(marker.path("job").asText());
    }

    private static String shownNames(Set<String> names) {
        String first = names.stream().limit(NAMES_SHOWN).collect(Collectors.joining(", "));
        return names.size() <= NAMES_SHOWN ? first : first + ", ... " + names.size() + " entries in all";
    }
}
