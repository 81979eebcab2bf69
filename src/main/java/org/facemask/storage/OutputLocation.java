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
    /**
     * In a folder set aside ({@code .<name>.previous}): it holds the whole earlier output. Written once the set-aside
     * is complete, deleted first when it is no longer needed, so a run killed in between leaves a folder that says
     * whether it is the copy to keep.
     */
    static final String SET_ASIDE_FLAG = "_facemask.set-aside";
    /**
     * How long a killed run's lease on an output blocks the next run on another host (on the same host a lease whose
     * process is gone is taken over at once); the holder renews it every quarter of this.
     */
    static final java.time.Duration LEASE_TIMEOUT = java.time.Duration.ofMinutes(30);
    /** File systems whose rename is a copy and a delete, file by file (object stores): not atomic for a folder. */
    private static final Set<String> RENAME_BY_COPY = Set.of("s3a", "s3", "s3n", "gs", "oss", "cosn", "obs", "wasb", "wasbs");
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
            // the flag: an output of an earlier version (no marker) set aside is still recognisably ours
            return outputNames.contains(plain) || plain.equals("_SUCCESS") || plain.equals(SET_ASIDE_FLAG);
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
     * {@link Replacement#commit} once the output is complete. The run holds a lease on the output until it closes
     * the replacement: a second run on the same output stops at once. An earlier output is not deleted here but set
     * aside next to the output ({@code .<name>.previous}, flagged once whole): a job that fails puts it back
     * ({@link Replacement#close} without a commit), so a failed nightly retrain leaves the model that was there. A
     * run killed in between leaves both; the next run keeps the flagged copy unless the output is complete (the
     * marker of a committed output says so) and deletes the other (see keepLeftAside). A {@link #continued} output is
     * left as it is.
     *
     * @throws Lease.HeldException when another run is writing the output
     */
    public Replacement replace(Configuration conf) {
        Lease lease = lease(conf);
        try {
            return continued ? continuedOutput(conf, lease) : replaced(conf, lease);
        } catch (RuntimeException e) {
            if (lease != null) {
                lease.close();
            }
            throw e;
        }
    }

    /**
     * Writes the job's output: {@link #replace}, then {@code write}, then {@link Replacement#commit} once it has
     * returned; when it throws, the earlier output is put back ({@link Replacement#close}).
     *
     * @return what {@code write} returned
     */
    public <T> T writeWith(Configuration conf, java.util.function.Supplier<T> write) {
        try (Replacement replacement = replace(conf)) {
            T result = write.get();
            replacement.commit();
            return result;
        }
    }

    /**
     * One run at a time per output: two would set aside, delete and put back each other's folders. The lease is
     * {@code .<name>.lock} beside the output (none for the root of a file system), released when the run closes.
     */
    private Lease lease(Configuration conf) {
        Path lockFile = sibling(new Path(uri), ".lock");
        return lockFile == null ? null : Lease.acquire(lockFile, "writing " + writer.code() + " output " + uri,
                "the outputs' lease timeout, fixed", LEASE_TIMEOUT, conf);
    }

    private Replacement replaced(Configuration conf, Lease lease) {
        String refusal = refusal(conf);
        if (refusal != null) {
            throw new IllegalStateException(refusal);
        }
        Path path = new Path(uri);
        try {
            FileSystem fs = path.getFileSystem(conf);
            Path aside = sibling(path, ".previous");
            boolean setAside = aside != null && fs.exists(aside) && keepLeftAside(fs, path, aside);
            if (fs.exists(path)) {
                int entries = fs.listStatus(path).length;
                if (entries > 0 && !setAside && aside != null) {
                    LOG.info("setting the earlier {} output {} ({} entries) aside as {} until this run has written its own",
                            writer.code(), path, entries, aside);
                    setAside(fs, path, aside);
                    setAside = true;
                } else {
                    dismantle(fs, path); // a killed run's output, or an empty folder
                }
            }
            Replacement replacement = new Replacement(fs, path, setAside ? aside : null, true, lease);
            try {
                if (!fs.mkdirs(path)) {
                    throw new IOException("mkdirs of " + path + " returned false");
                }
                writeMarker(conf, null);
            } catch (IOException | RuntimeException e) {
                try {
                    replacement.close(); // the earlier output goes back at once, not at the next run
                } catch (RuntimeException also) {
                    e.addSuppressed(also);
                }
                throw e;
            }
            return replacement;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replace " + writer.code() + " output " + path + ": " + e.getMessage(), e);
        }
    }

    /** train.resume: nothing is set aside or put back; an output set aside by a killed run goes once this one completes. */
    private Replacement continuedOutput(Configuration conf, Lease lease) {
        Path path = new Path(uri);
        try {
            FileSystem fs = path.getFileSystem(conf);
            Path aside = sibling(path, ".previous");
            boolean ours = aside != null && fs.exists(aside) && isOurs(fs, aside, names(fs, aside));
            return new Replacement(fs, path, ours ? aside : null, false, lease);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the file system of " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * A run was killed while an earlier output was set aside: whether the set-aside folder is the output to keep
     * (true), or a stale or partial copy (deleted here; false). Flagged ({@value #SET_ASIDE_FLAG}), it holds the whole
     * earlier output and is kept, unless the output beside it is complete and written by another run (the killed run
     * got as far as its commit). Not flagged, it is the whole earlier output when the output is gone (a rename killed
     * before the flag: it is flagged now), else a copy that was not finished or a delete that was not (deleted).
     */
    private boolean keepLeftAside(FileSystem fs, Path path, Path aside) throws IOException {
        Set<String> names = names(fs, aside);
        Set<String> outputNames = fs.exists(path) ? names(fs, path) : Set.of();
        if (names.isEmpty()) {
            deleteAside(fs, aside, "an empty folder");
            return false;
        }
        boolean partialCopy = !names.contains(SET_ASIDE_FLAG) && !outputNames.isEmpty() && outputNames.containsAll(names);
        if (!partialCopy && !isOurs(fs, aside, names)) {
            throw new IllegalStateException(key() + ": " + aside + " is where an earlier output is set aside, but it "
                    + "holds files no " + writer.code() + " run wrote (" + shownNames(names) + "); move it away yourself");
        }
        JsonNode outputMarker = outputNames.contains(MARKER) ? marker(fs, path) : null;
        boolean outputComplete = outputMarker != null && outputMarker.has("completed_at");
        boolean copyOfOneRun = sameRun(marker(fs, aside), outputMarker);
        if (!names.contains(SET_ASIDE_FLAG)) {
            if (partialCopy || outputComplete || copyOfOneRun) { // the output beside it is whole
                deleteAside(fs, aside, "what a killed run left of a copy or a delete; the output beside it is whole");
                return false;
            }
            writeFlag(fs, aside); // the output is gone or a killed run's own, incomplete: this is the one to keep
        } else {
            // a half-deleted original (where a rename is a copy) still holds the set-aside run's marker: not newer
            if (outputComplete && !copyOfOneRun) {
                deleteAside(fs, aside, "an earlier output a killed run had set aside after its own was complete");
                return false;
            }
        }
        LOG.warn("{} holds the earlier {} output that a killed run set aside; what the killed run left at {} is deleted, "
                + "the earlier output stays aside until this run has written its own", aside, writer.code(), path);
        return true;
    }

    /** Both markers name one run: one folder is a copy of the other (a copy aside, or a copy put back). */
    private static boolean sameRun(JsonNode a, JsonNode b) {
        String run = a == null ? "" : a.path("run").asText();
        return !run.isEmpty() && b != null && run.equals(b.path("run").asText());
    }

    private void deleteAside(FileSystem fs, Path aside, String what) throws IOException {
        LOG.info("deleting {}: {}", aside, what);
        dismantle(fs, aside);
    }

    /**
     * Moves the earlier output aside. A rename where it is atomic; where it is a copy (object stores) a copy of our
     * own, then the delete, so the original is whole until the copy is (a rename there deletes as it copies).
     */
    private static void setAside(FileSystem fs, Path output, Path aside) throws IOException {
        if (renamesByCopying(fs)) {
            copyFolder(fs, output, aside);
            writeFlag(fs, aside);
            dismantle(fs, output);
        } else {
            rename(fs, output, aside);
            writeFlag(fs, aside);
        }
    }

    static boolean renamesByCopying(FileSystem fs) {
        return RENAME_BY_COPY.contains(fs.getScheme().toLowerCase(Locale.ROOT));
    }

    /** Copies a folder's entries, the marker first (a partial copy is then recognisably ours) and the flag never. */
    static void copyFolder(FileSystem fs, Path from, Path to) throws IOException {
        if (!fs.mkdirs(to)) {
            throw new IOException("mkdirs of " + to + " returned false");
        }
        List<FileStatus> entries = Arrays.stream(fs.listStatus(from))
                .filter(e -> !e.getPath().getName().equals(SET_ASIDE_FLAG))
                .sorted(java.util.Comparator.comparing((FileStatus e) -> !e.getPath().getName().equals(MARKER)))
                .toList();
        for (FileStatus e : entries) {
            if (!org.apache.hadoop.fs.FileUtil.copy(fs, e.getPath(), fs, new Path(to, e.getPath().getName()), false,
                    fs.getConf())) {
                throw new IOException("copy of " + e.getPath() + " to " + to + " returned false");
            }
        }
    }

    private static void writeFlag(FileSystem fs, Path aside) throws IOException {
        fs.create(new Path(aside, SET_ASIDE_FLAG), true).close();
    }

    /** A symbolic link, not followed: on local disk (HDFS has links switched off by default, object stores none). */
    private static boolean isLink(FileSystem fs, Path path) {
        FileSystem raw = fs instanceof org.apache.hadoop.fs.LocalFileSystem local ? local.getRaw() : fs;
        return raw instanceof org.apache.hadoop.fs.RawLocalFileSystem local
                && java.nio.file.Files.isSymbolicLink(local.pathToFile(path).toPath());
    }

    /**
     * Deletes a folder of ours: a set-aside one's flag first (it is no longer the copy to keep), the marker last, so
     * that what a kill half way leaves is still recognisably ours.
     */
    private static void dismantle(FileSystem fs, Path aside) throws IOException {
        fs.delete(new Path(aside, SET_ASIDE_FLAG), false);
        if (isLink(fs, aside)) {
            // the output was a link (current -> versions/v3): the link goes, never what it points to
            if (!fs.delete(aside, true)) {
                throw new IOException("delete of the link " + aside + " returned false");
            }
            return;
        }
        for (FileStatus e : fs.listStatus(aside)) {
            if (!e.getPath().getName().equals(MARKER) && !fs.delete(e.getPath(), true)) {
                throw new IOException("delete of " + e.getPath() + " returned false");
            }
        }
        if (!fs.delete(aside, true)) {
            throw new IOException("delete of " + aside + " returned false");
        }
    }

    /**
     * {@code .<name><suffix>} beside the output: where an earlier output waits while a run writes its own
     * ({@code .previous}), the lease ({@code .lock}); null for the root of a file system or bucket.
     */
    private static Path sibling(Path output, String suffix) {
        String uriPath = output.toUri().getPath();
        if (uriPath == null || uriPath.replace("/", "").isEmpty()) {
            return null; // the root of a file system or bucket: nothing beside it
        }
        Path path = withoutTrailingSlash(output);
        return path.getParent() == null ? null : new Path(path.getParent(), "." + path.getName() + suffix);
    }

    /** A folder's URI may end with '/': Path then names its last segment "", and FileContext cannot rename into it. */
    private static Path withoutTrailingSlash(Path folder) {
        URI u = folder.toUri();
        String uriPath = u.getPath();
        return uriPath != null && uriPath.endsWith("/")
                ? new Path(u.getScheme(), u.getAuthority(), uriPath.replaceAll("/+$", "")) : folder; // decoded: no %20
    }

    /**
     * The folder's marker, or null when it has none or one that is not our JSON. A marker that cannot be read
     * (a storage error) is an error, not "none": it would make a complete output look incomplete.
     */
    private static JsonNode marker(FileSystem fs, Path dir) throws IOException {
        try {
            byte[] marker = Storage.readAll(new Path(dir, MARKER), fs.getConf());
            return Json.read(new String(marker, java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.FileNotFoundException | IllegalArgumentException e) {
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
        /** The output being written. */
        private final Path output;
        /** The earlier output, set aside; null when there was none. */
        private final Path aside;
        /** False for a continued output (train.resume): it is the run's own state, never deleted or put back. */
        private final boolean putBackOnFailure;
        /** This run's lease on the output, released at close; null for the root of a file system. */
        private final Lease lease;
        private boolean committed;

        private Replacement(FileSystem fs, Path output, Path aside, boolean putBackOnFailure, Lease lease) {
            this.fs = fs;
            this.output = output;
            this.aside = aside;
            this.putBackOnFailure = putBackOnFailure;
            this.lease = lease;
        }

        /** The output is complete: the marker says so, then the earlier output set aside is deleted. */
        public void commit() {
            if (lease != null) {
                lease.requireHeld(); // else another run has taken the output over: it is not this run's to commit
            }
            writeMarker(fs.getConf(), Instant.now());
            committed = true;
            if (aside != null) {
                try {
                    dismantle(fs, aside);
                } catch (IOException e) {
                    // the new output is complete: the next run deletes the stale copy (keepLeftAside)
                    LOG.warn("cannot delete the earlier {} output set aside at {}: {}", writer.code(), aside, e.toString());
                }
            }
        }

        /**
         * Without a commit: the job failed; its incomplete output is deleted and the earlier one put back. The lease
         * is released either way.
         */
        @Override
        public void close() {
            try {
                putBackIfFailed();
            } finally {
                if (lease != null) {
                    lease.close();
                }
            }
        }

        private void putBackIfFailed() {
            if (committed || aside == null || !putBackOnFailure) {
                // a first run that failed leaves its incomplete output, marked, for the next to replace (train:
                // to resume); a continued one is the run's own state
                return;
            }
            if (lease != null) {
                try {
                    lease.requireHeld();
                } catch (Lease.HeldException e) {
                    LOG.error("the {} run failed and its lease is lost ({}): the output and {} are left to the run that "
                            + "holds it", writer.code(), e.getMessage(), aside);
                    return;
                }
            }
            try {
                if (fs.exists(output)) {
                    dismantle(fs, output); // the marker last: a kill half way leaves a folder still ours
                }
                Path to = withoutTrailingSlash(output);
                if (renamesByCopying(fs)) {
                    copyFolder(fs, aside, to); // killed meanwhile: the flagged folder aside is kept by the next run
                    dismantle(fs, aside);
                } else {
                    // unflagged first: killed before the rename, the folder aside is whole and the output gone, which
                    // the next run recognises. Never into a folder a straggling task of the failed job may have made
                    // again meanwhile (a plain rename would move the earlier output inside it): then it stays aside
                    fs.delete(new Path(aside, SET_ASIDE_FLAG), false);
                    try {
                        FileContext.getFileContext(to.toUri(), fs.getConf()).rename(aside, to, Options.Rename.NONE);
                    } catch (IOException e) {
                        writeFlag(fs, aside); // still the copy to keep: the next run puts it back
                        throw e;
                    }
                }
                LOG.warn("the {} run failed: the earlier output is back at {}", writer.code(), output);
            } catch (IOException e) {
                throw new UncheckedIOException("the " + writer.code() + " run failed, and its earlier output could not "
                        + "be put back from " + aside + " to " + output + "; it stays there, and the next " + writer.code()
                        + " run keeps it until it has written a new output: " + e.getMessage(), e);
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
            if (!names.isEmpty() && !isOurs(fs, path, names) && !isHalfDeletedOriginal(fs, path, names)) {
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

    /**
     * What a run killed while it deleted the original after copying it aside (object stores) leaves: some of the
     * earlier output's files, perhaps without the marker, beside the whole copy, flagged.
     */
    private boolean isHalfDeletedOriginal(FileSystem fs, Path path, Set<String> names) throws IOException {
        Path aside = sibling(path, ".previous");
        if (aside == null || !fs.exists(aside)) {
            return false;
        }
        Set<String> asideNames = names(fs, aside);
        return asideNames.contains(SET_ASIDE_FLAG) && asideNames.containsAll(names) && isOurs(fs, aside, asideNames);
    }

    private boolean isOurs(FileSystem fs, Path path, Set<String> names) throws IOException {
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
