package org.facemask.storage;

import org.apache.hadoop.conf.Configuration;
import org.facemask.config.ConfigError;
import org.facemask.config.StorageUri;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.facemask.storage.OutputLocation.Writer.EVALUATE;
import static org.facemask.storage.OutputLocation.Writer.PREPARE;
import static org.facemask.storage.OutputLocation.Writer.TRAIN;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Outputs compared as folders whatever their spelling; replaced only when empty or our own. */
class OutputLocationTest {
    @TempDir
    Path tmp;
    final Configuration conf = new Configuration();

    private static Location at(String key, String spelling) {
        return new Location(key, StorageUri.parse(key, spelling));
    }

    private ConfigError apart(String output, String input) {
        return assertThrows(ConfigError.class, () -> Location.requireApart(at("x.output", output),
                List.of(at("x.input", input)), conf), output + " vs " + input);
    }

    @Test
    void anOutputOverlappingAnInputIsRefusedWhateverTheSpelling() throws Exception {
        String d = Files.createDirectories(tmp.resolve("d/data")).getParent().toString();
        for (String out : List.of(d, "file:" + d, "file://" + d, "file://localhost" + d + "/", d + "/data/..")) {
            assertTrue(apart(out, d + "/data").getMessage().contains("contains"), out);
            assertTrue(apart(out, "file:" + d).getMessage().contains("is the same folder as"), out);
            assertTrue(apart(d + "/data/out", "file://" + d).getMessage().contains("sits inside"), out);
        }
        // a glob stands for its fixed prefix; neighbours whose names only start alike are apart
        assertTrue(apart("file:" + d + "/scores", d + "/cam*/x").getMessage().contains("x.input"));
        assertTrue(apart(d + "/cam1/scores", d + "/cam*").getMessage().contains("sits inside"));
        assertDoesNotThrow(() -> Location.requireApart(at("o", d + "/data2"), List.of(at("i", d + "/data")), conf));
        // hdfs:///x is the default file system's x
        conf.set("fs.defaultFS", "hdfs://nn:8020");
        assertThrows(ConfigError.class, () -> Location.requireApart(at("o", "hdfs:///p"),
                List.of(at("i", "hdfs://NN:8020/p/in")), conf));
        // a file shipped inside the jar (the weights) is never where an output goes
        assertDoesNotThrow(() -> Location.requireApart(at("o", "file:///p/out"), List.of(new Location("model.base.weights",
                java.net.URI.create("jar:file:/p/facemask.jar!/org/facemask/shipped/w.h5"))), conf));
        // the namenode's default port is the same folder as no port
        assertThrows(ConfigError.class, () -> Location.requireApart(at("o", "hdfs://nn/p/out"),
                List.of(at("i", "hdfs://nn:8020/p")), conf));
        // a null location (a setting not in use) is never in the way
        assertDoesNotThrow(() -> Location.requireApart(at("o", d), List.of(new Location("unused", null)), conf));
    }

    @Test
    void aSymbolicLinkIsFollowed() throws Exception {
        Path input = Files.createDirectories(tmp.resolve("real/input"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), tmp.resolve("real"));
        ConfigError e = apart(link.resolve("input/out").toString(), input.toString());
        assertTrue(e.getMessage().contains("sits inside"), e.getMessage());
    }

    @Test
    void unrelatedFilesAreRefusedAndKeptEvenWithOverwrite() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(out.resolve("thesis.tex"), "precious");
        Files.createDirectories(out.resolve("photos"));
        ConfigError e = assertThrows(ConfigError.class, () -> OutputLocation.checked(PREPARE, out.toUri(), true, List.of(), conf));
        assertTrue(e.getMessage().contains("prepare.output") && e.getMessage().contains(out.toString())
                && e.getMessage().contains("photos, thesis.tex"), e.getMessage());
        assertTrue(Files.exists(out.resolve("thesis.tex")));
        // a file, not a folder
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertThrows(ConfigError.class, () -> OutputLocation.checked(PREPARE, file.toUri(), true, List.of(), conf));
    }

    @Test
    void replacementIsCheckedAgainWhenItHappens() throws Exception {
        Path out = tmp.resolve("out");
        OutputLocation planned = OutputLocation.checked(PREPARE, StorageUri.parse("k", out.toString()), true, List.of(), conf);
        Files.createDirectories(out);
        Files.writeString(out.resolve("arrived.txt"), "someone else's");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> planned.replace(conf));
        assertTrue(e.getMessage().contains("arrived.txt"), e.getMessage());
        assertTrue(Files.exists(out.resolve("arrived.txt")));
    }

    @Test
    void ourOwnOutputIsReplacedAndMarked() throws Exception {
        Path out = tmp.resolve("out");
        OutputLocation first = OutputLocation.checked(PREPARE, StorageUri.parse("k", out.toString()), false, List.of(), conf);
        first.replace(conf).close();
        assertTrue(Files.readString(out.resolve(OutputLocation.MARKER)).contains("\"prepare\""));
        Files.writeString(out.resolve("part-0.parquet"), "rows"); // a killed run: marker, no summary.json
        ConfigError noOverwrite = assertThrows(ConfigError.class,
                () -> OutputLocation.checked(PREPARE, out.toUri(), false, List.of(), conf));
        assertTrue(noOverwrite.getMessage().contains("prepare.overwrite=true"), noOverwrite.getMessage());
        committed(OutputLocation.checked(PREPARE, out.toUri(), true, List.of(), conf));
        assertFalse(Files.exists(out.resolve("part-0.parquet")));
        assertTrue(Files.exists(out.resolve(OutputLocation.MARKER)));
        // another job's marked output is not ours
        ConfigError otherJob = assertThrows(ConfigError.class, () -> OutputLocation.checked(TRAIN, out.toUri(), true, List.of(), conf));
        assertTrue(otherJob.getMessage().contains("no earlier train run wrote"), otherJob.getMessage());
        // an empty folder is
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        OutputLocation.checked(TRAIN, empty.toUri(), true, List.of(), conf).replace(conf).close();
        assertTrue(Files.exists(empty.resolve(OutputLocation.MARKER)));
    }

    /** A run that replaced the output and completed, writing nothing (what is left is the marker). */
    private void committed(OutputLocation output) {
        try (OutputLocation.Replacement r = output.replace(conf)) {
            r.commit();
        }
    }

    /** A model folder as train leaves it (the marker of a committed run), holding {@code content} in model.zip. */
    private Path model(String name, String content) throws Exception {
        Path model = tmp.resolve(name);
        try (OutputLocation.Replacement r = OutputLocation.checked(TRAIN, model.toUri(), true, List.of(), conf).replace(conf)) {
            Files.writeString(model.resolve("model.zip"), content);
            Files.writeString(model.resolve("metadata.json"), "{}");
            r.commit();
        }
        return model;
    }

    /** A run killed outright: its lease on the output is gone as its process is (taken over at once on this host). */
    private static void killed(Path output) throws Exception {
        Files.delete(output.resolveSibling("." + output.getFileName() + ".lock"));
    }

    /** While one run writes an output, a second on the same output stops at once, and touches nothing. */
    @Test
    void aSecondRunOnTheSameOutputStopsWhileTheFirstWrites() throws Exception {
        Path model = model("model", "the model in use");
        try (OutputLocation.Replacement first = OutputLocation.checked(TRAIN, model.toUri(), true, List.of(), conf).replace(conf)) {
            Files.writeString(model.resolve("model.zip"), "half written");
            OutputLocation second = OutputLocation.checked(TRAIN, model.toUri(), true, List.of(), conf);
            Lease.HeldException held = assertThrows(Lease.HeldException.class, () -> second.replace(conf));
            assertTrue(held.getMessage().contains(".model.lock") && held.getMessage().contains("writing train output"),
                    held.getMessage());
            assertEquals("half written", Files.readString(model.resolve("model.zip")));
            assertEquals("the model in use", Files.readString(aside(model).resolve("model.zip")));
            assertThrows(Lease.HeldException.class, () -> OutputLocation.continued(TRAIN, model.toUri(), List.of(), conf)
                    .replace(conf), "train.resume waits its turn too");
        }
        assertEquals("the model in use", Files.readString(model.resolve("model.zip")), "the first run failed");
        assertFalse(Files.exists(model.resolveSibling(".model.lock")), "released");
    }

    /** A run whose lease another run took over (it was presumed dead) neither commits nor puts anything back. */
    @Test
    void aRunThatLostItsLeaseLeavesTheOutputToTheRunHoldingIt() throws Exception {
        Path model = model("model", "the model in use");
        OutputLocation.Replacement stalled = OutputLocation.checked(TRAIN, model.toUri(), true, List.of(), conf).replace(conf);
        killed(model);
        try (OutputLocation.Replacement next = OutputLocation.checked(TRAIN, model.toUri(), true, List.of(), conf).replace(conf)) {
            Files.writeString(model.resolve("model.zip"), "the next run's");
            assertThrows(Lease.HeldException.class, stalled::commit);
            stalled.close();
            assertEquals("the next run's", Files.readString(model.resolve("model.zip")));
            assertEquals("the model in use", Files.readString(aside(model).resolve("model.zip")));
            next.commit();
        }
        assertEquals("the next run's", Files.readString(model.resolve("model.zip")));
    }

    private static Path aside(Path output) {
        return output.resolveSibling("." + output.getFileName() + ".previous");
    }

    /** overwrite=true and the run fails: its own files go, the earlier output is back as it was. */
    @Test
    void aFailedRunPutsTheEarlierOutputBack() throws Exception {
        Path model = model("model", "the model in use");
        try (OutputLocation.Replacement r = OutputLocation.checked(TRAIN, model.toUri(), true, List.of(), conf).replace(conf)) {
            assertFalse(Files.exists(model.resolve("model.zip")));
            assertEquals("the model in use", Files.readString(aside(model).resolve("model.zip")));
            Files.writeString(model.resolve("checkpoints"), "half a run");
            // the job fails here: no commit
        }
        assertEquals("the model in use", Files.readString(model.resolve("model.zip")));
        assertFalse(Files.exists(model.resolve("checkpoints")));
        assertFalse(Files.exists(aside(model)));
    }

    @Test
    void aCommittedRunDeletesTheEarlierOutput() throws Exception {
        Path model = model("model", "old");
        try (OutputLocation.Replacement r = OutputLocation.checked(TRAIN, model.toUri(), true, List.of(), conf).replace(conf)) {
            Files.writeString(model.resolve("model.zip"), "new");
            r.commit();
        }
        assertEquals("new", Files.readString(model.resolve("model.zip")));
        assertTrue(Files.readString(model.resolve(OutputLocation.MARKER)).contains("completed_at"));
        assertFalse(Files.exists(aside(model)));
    }

    /**
     * A run killed (SIGKILL: no close, no commit) while the earlier output was set aside: the next run keeps the
     * complete one of the two, whichever it is, and puts it back if it fails too.
     */
    @Test
    void aRunKilledWhileTheEarlierOutputWasAsideLosesNeither() throws Exception {
        // killed before its output was complete: the set-aside model is the one to keep
        Path model = model("model", "the model in use");
        OutputLocation.checked(TRAIN, model.toUri(), true, List.of(), conf).replace(conf);
        killed(model);
        Files.writeString(model.resolve("model.zip"), "half written");
        assertTrue(Files.exists(aside(model)));
        try (OutputLocation.Replacement next = OutputLocation.checked(TRAIN, model.toUri(), true, List.of(), conf).replace(conf)) {
            assertFalse(Files.exists(model.resolve("model.zip")), "the killed run's half output is gone");
            assertEquals("the model in use", Files.readString(aside(model).resolve("model.zip")));
        }
        assertEquals("the model in use", Files.readString(model.resolve("model.zip")), "the next run failed too");

        // killed after its output was complete, before the earlier one was deleted: the newer model is kept
        OutputLocation.Replacement killed = OutputLocation.checked(TRAIN, model.toUri(), true, List.of(), conf).replace(conf);
        Files.writeString(model.resolve("model.zip"), "newer, complete");
        Files.writeString(model.resolve("metadata.json"), "{}");
        killed.commit();
        killed(model);
        copyInto(model("model in use", "the model in use"), aside(model)); // as if the commit's delete had not happened
        Files.createFile(aside(model).resolve(OutputLocation.SET_ASIDE_FLAG));
        try (OutputLocation.Replacement next = OutputLocation.checked(TRAIN, model.toUri(), true, List.of(), conf).replace(conf)) {
            assertEquals("newer, complete", Files.readString(aside(model).resolve("model.zip")));
        }
        assertEquals("newer, complete", Files.readString(model.resolve("model.zip")));
        assertFalse(Files.exists(aside(model)));
    }

    private static void copyInto(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName().toString()));
            }
        }
    }

    /**
     * Where a rename is a copy (S3), the original is deleted only once the copy is whole and flagged: a run killed
     * while it deleted leaves the flagged copy beside a half-emptied original, which still holds the same run's
     * complete marker or has lost it (and with it what made it recognisably ours). Neither is taken for a newer
     * output or refused: the copy is kept.
     */
    @Test
    void aHalfDeletedOriginalIsNotTakenForANewerOutput() throws Exception {
        for (boolean markerDeleted : List.of(false, true)) {
            Path model = model("model " + markerDeleted, "the model in use");
            copyInto(model, aside(model));
            Files.createFile(aside(model).resolve(OutputLocation.SET_ASIDE_FLAG));
            Files.delete(model.resolve("model.zip")); // killed half way through deleting the original
            if (markerDeleted) {
                Files.delete(model.resolve(OutputLocation.MARKER));
            }
            try (OutputLocation.Replacement next = OutputLocation.checked(TRAIN, model.toUri(), true, List.of(), conf).replace(conf)) {
                assertEquals("the model in use", Files.readString(aside(model).resolve("model.zip")));
            }
            assertEquals("the model in use", Files.readString(model.resolve("model.zip")), "the next run failed too");
        }
    }

    /** A model of a version before the marker, set aside by a run that was then killed: still ours, and kept. */
    @Test
    void anUnmarkedOlderModelSetAsideByAKilledRunIsKept() throws Exception {
        Path model = Files.createDirectories(tmp.resolve("older model"));
        Files.writeString(model.resolve("model.zip"), "the model in use");
        Files.writeString(model.resolve("metadata.json"), "{}");
        OutputLocation.checked(TRAIN, model.toUri(), true, List.of(), conf).replace(conf);
        killed(model);
        Files.createDirectories(model.resolve("_work"));
        try (OutputLocation.Replacement next = OutputLocation.checked(TRAIN, model.toUri(), true, List.of(), conf).replace(conf)) {
            assertEquals("the model in use", Files.readString(aside(model).resolve("model.zip")));
        }
        assertEquals("the model in use", Files.readString(model.resolve("model.zip")));
    }

    /** Killed while it copied the original aside (S3): the copy is not flagged, the original is whole and kept. */
    @Test
    void aCopyAsideThatWasNotFinishedIsDeletedAndTheOriginalKept() throws Exception {
        Path model = model("model", "the model in use");
        Files.createDirectories(aside(model));
        Files.copy(model.resolve(OutputLocation.MARKER), aside(model).resolve(OutputLocation.MARKER)); // the marker first
        Files.writeString(aside(model).resolve("model.zip"), "the model in u"); // cut off
        try (OutputLocation.Replacement next = OutputLocation.checked(TRAIN, model.toUri(), true, List.of(), conf).replace(conf)) {
            assertEquals("the model in use", Files.readString(aside(model).resolve("model.zip")), "set aside again, whole");
        }
        assertEquals("the model in use", Files.readString(model.resolve("model.zip")));
        assertFalse(Files.exists(aside(model)));
    }

    /** Killed between the rename aside and its flag (HDFS, local disk): no output, the folder aside is the model. */
    @Test
    void aRenameAsideWithoutItsFlagIsTheModelWhenTheOutputIsGone() throws Exception {
        Path model = model("model", "the model in use");
        Files.move(model, aside(model));
        try (OutputLocation.Replacement next = OutputLocation.checked(TRAIN, model.toUri(), true, List.of(), conf).replace(conf)) {
            assertTrue(Files.exists(aside(model).resolve(OutputLocation.SET_ASIDE_FLAG)));
        }
        assertEquals("the model in use", Files.readString(model.resolve("model.zip")), "put back when the run failed");
        assertFalse(Files.exists(model.resolve(OutputLocation.SET_ASIDE_FLAG)));
    }

    /** The storage fails right after the earlier output went aside: it is back at once, not at the next run. */
    @Test
    void aFailureRightAfterTheSetAsidePutsTheEarlierOutputBack() throws Exception {
        Path model = model("model", "the model in use");
        OutputLocation planned = OutputLocation.checked(TRAIN, model.toUri(), true, List.of(), conf);
        Configuration failing = new Configuration(conf);
        failing.setClass("fs.file.impl", MarkerRefusingFileSystem.class, org.apache.hadoop.fs.FileSystem.class);
        failing.setBoolean("fs.file.impl.disable.cache", true);
        assertThrows(RuntimeException.class, () -> planned.replace(failing));
        assertEquals("the model in use", Files.readString(model.resolve("model.zip")));
        assertFalse(Files.exists(aside(model)));
    }

    /** A local file system on which writing an output's marker fails, as a storage error would. */
    public static final class MarkerRefusingFileSystem extends org.apache.hadoop.fs.LocalFileSystem {
        @Override
        public org.apache.hadoop.fs.FSDataOutputStream create(org.apache.hadoop.fs.Path f, boolean overwrite)
                throws java.io.IOException {
            if (f.getName().equals(OutputLocation.MARKER)) {
                throw new java.io.IOException("storage refused " + f);
            }
            return super.create(f, overwrite);
        }
    }

    /** train.resume continues the output as it is; at its commit it deletes only an earlier output of its own job. */
    @Test
    void aResumedRunDeletesOnlyAnEarlierOutputOfItsJob() throws Exception {
        Path model = model("model", "resumed");
        Files.createDirectories(aside(model));
        Files.writeString(aside(model).resolve("notes.txt"), "mine");
        try (OutputLocation.Replacement r = OutputLocation.continued(TRAIN, model.toUri(), List.of(), conf).replace(conf)) {
            r.commit();
        }
        assertEquals("mine", Files.readString(aside(model).resolve("notes.txt")));
        assertEquals("resumed", Files.readString(model.resolve("model.zip")));

        Files.delete(aside(model).resolve("notes.txt"));
        Files.writeString(aside(model).resolve("model.zip"), "older");
        Files.writeString(aside(model).resolve("metadata.json"), "{}");
        try (OutputLocation.Replacement r = OutputLocation.continued(TRAIN, model.toUri(), List.of(), conf).replace(conf)) {
            r.commit();
        }
        assertFalse(Files.exists(aside(model)), "a killed run's set-aside model goes once the resumed run completes");
        assertEquals("resumed", Files.readString(model.resolve("model.zip")));
    }

    /**
     * An output that is a symbolic link to a model folder ("current" -> versions/v3): replaced, the link is set aside
     * and then deleted, never the folder it points to, which keeps every file; a failed run puts the link back.
     */
    @Test
    void anOutputThatIsALinkIsReplacedWithoutTouchingWhatItPointsTo() throws Exception {
        Path v3 = model("versions/v3", "version 3");
        Path current = Files.createSymbolicLink(tmp.resolve("current"), v3);
        try (OutputLocation.Replacement failing = OutputLocation.checked(TRAIN, current.toUri(), true, List.of(), conf).replace(conf)) {
            Files.writeString(current.resolve("model.zip"), "half written");
        }
        assertTrue(Files.isSymbolicLink(current), "put back as it was");
        assertEquals("version 3", Files.readString(current.resolve("model.zip")));
        try (OutputLocation.Replacement r = OutputLocation.checked(TRAIN, current.toUri(), true, List.of(), conf).replace(conf)) {
            Files.writeString(current.resolve("model.zip"), "version 4");
            r.commit();
        }
        assertFalse(Files.isSymbolicLink(current));
        assertEquals("version 4", Files.readString(current.resolve("model.zip")));
        assertEquals("version 3", Files.readString(v3.resolve("model.zip")));
        assertTrue(Files.exists(v3.resolve("metadata.json")) && Files.exists(v3.resolve(OutputLocation.MARKER)));
        assertFalse(Files.exists(v3.resolve(OutputLocation.SET_ASIDE_FLAG)));
    }

    /** What sits where an earlier output would be set aside but is not one is refused, and kept. */
    @Test
    void aForeignFolderInTheSetAsidePlaceIsNeverDeleted() throws Exception {
        Path model = model("model", "the model in use");
        Files.createDirectories(aside(model));
        Files.writeString(aside(model).resolve("notes.txt"), "mine");
        OutputLocation planned = OutputLocation.checked(TRAIN, model.toUri(), true, List.of(), conf);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> planned.replace(conf));
        assertTrue(e.getMessage().contains("notes.txt"), e.getMessage());
        assertEquals("mine", Files.readString(aside(model).resolve("notes.txt")));
        assertEquals("the model in use", Files.readString(model.resolve("model.zip")));
    }

    /** Outputs of versions before the marker: recognised by their files; a model folder is never an evaluate report. */
    @Test
    void outputsOfOlderVersionsAreRecognisedByTheirFiles() throws Exception {
        Path prepared = Files.createDirectories(tmp.resolve("prepared"));
        Files.writeString(prepared.resolve("summary.json"), "{}");
        committed(OutputLocation.checked(PREPARE, prepared.toUri(), true, List.of(), conf));
        assertEquals(List.of(OutputLocation.MARKER), List.of(prepared.toFile().list((dir, name) -> !name.endsWith(".crc"))));

        Path model = Files.createDirectories(tmp.resolve("model"));
        for (String f : List.of("model.zip", "metadata.json", "metrics.json")) {
            Files.writeString(model.resolve(f), "x");
        }
        assertDoesNotThrow(() -> OutputLocation.checked(TRAIN, model.toUri(), true, List.of(), conf));
        ConfigError e = assertThrows(ConfigError.class, () -> OutputLocation.checked(EVALUATE, model.toUri(), true, List.of(), conf));
        assertTrue(e.getMessage().contains("metrics.json, model.zip"), e.getMessage());
        assertTrue(Files.exists(model.resolve("model.zip")));
    }

    /**
     * A model folder copied without its marker (model.zip, model.onnx, metadata.json) is still train's to replace;
     * with one name train never writes beside them it is not.
     */
    @Test
    void aModelFolderWithModelOnnxIsTrainsOwn() throws Exception {
        Path model = Files.createDirectories(tmp.resolve("copied model"));
        for (String f : List.of("model.zip", "model.onnx", "metadata.json")) {
            Files.writeString(model.resolve(f), "x");
        }
        committed(OutputLocation.checked(TRAIN, model.toUri(), true, List.of(), conf));
        assertEquals(List.of(OutputLocation.MARKER), List.of(model.toFile().list((dir, name) -> !name.endsWith(".crc"))));

        Path other = Files.createDirectories(tmp.resolve("other model"));
        for (String f : List.of("model.zip", "model.onnx", "metadata.json", "model.pt")) {
            Files.writeString(other.resolve(f), "x");
        }
        assertThrows(ConfigError.class, () -> OutputLocation.checked(TRAIN, other.toUri(), true, List.of(), conf));
        assertTrue(Files.exists(other.resolve("model.onnx")));
    }

    /** A project folder that merely holds a checkpoints/ or a metrics.json of its own is not an older output. */
    @Test
    void aFolderWithOneOfOurFileNamesAmongOthersIsNeverReplaced() throws Exception {
        Path project = Files.createDirectories(tmp.resolve("project/checkpoints"));
        Files.writeString(tmp.resolve("project/thesis.tex"), "precious");
        ConfigError train = assertThrows(ConfigError.class,
                () -> OutputLocation.checked(TRAIN, project.getParent().toUri(), true, List.of(), conf));
        assertTrue(train.getMessage().contains("thesis.tex"), train.getMessage());
        Path notebook = Files.createDirectories(tmp.resolve("notebook"));
        Files.writeString(notebook.resolve("metrics.json"), "{}");
        Files.writeString(notebook.resolve("analysis.ipynb"), "{}");
        assertThrows(ConfigError.class, () -> OutputLocation.checked(EVALUATE, notebook.toUri(), true, List.of(), conf));
        assertTrue(Files.exists(tmp.resolve("project/thesis.tex")) && Files.exists(notebook.resolve("analysis.ipynb")));
    }
}
