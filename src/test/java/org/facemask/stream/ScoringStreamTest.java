package org.facemask.stream;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.facemask.config.PipelineConfig;
import org.facemask.job.JobRunner;
import org.facemask.model.ModelDirectory;
import org.facemask.testing.TestImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stream in local mode: files dropped while it runs get exactly one row each (an archive one per entry), a
 * truncated or non-image file an error row without stopping it, files there before the first start are skipped
 * under stream.start=latest, the rows equal what score writes for the same files, and a batch that fails after its
 * staging write or after its commit (before Spark's) is replayed into exactly one row per file.
 */
class ScoringStreamTest {
    @TempDir
    static Path tmp;
    static Path model;

    @BeforeAll
    static void train() throws Exception {
        model = StreamFixture.trainModel(tmp);
    }

    /** A landing folder with {@code files} photos {@code <prefix>0.jpg}, ... in it, an output and a checkpoint of its own. */
    private record Landing(Path folder, Path output, Path checkpoint, Set<String> expected) {
        static Landing of(String name, String prefix, int files, StreamFixture images) throws IOException {
            Landing run = new Landing(Files.createDirectories(tmp.resolve("landing " + name)),
                    tmp.resolve("scores " + name), tmp.resolve("checkpoint-" + name), new TreeSet<>());
            for (int i = 0; i < files; i++) {
                StreamFixture.land(run.folder(), prefix + i + ".jpg", images.photo());
                run.expected().add(prefix + i + ".jpg");
            }
            return run;
        }
    }

    private static PipelineConfig config(Path landing, Path output, Path checkpoint, String start) {
        return PipelineConfig.load(null, List.of("score.model=" + model, "stream.input=" + landing,
                "stream.output=" + output, "stream.checkpoint=" + checkpoint, "stream.trigger=200ms",
                "stream.start=" + start));
    }

    private static ScoringStream start(SparkSession spark, PipelineConfig config, BatchCommit.Hook hook) {
        ModelDirectory directory = ModelDirectory.open("score.model", config.stream().model(),
                spark.sparkContext().hadoopConfiguration());
        return ScoringStream.start(spark, directory, config.model(), config.image(), config.stream(), null, hook);
    }

    @Test
    void filesDroppedWhileItRunsGetOneRowEachAndAgreeWithTheScoreJob() throws Exception {
        Path landing = Files.createDirectories(tmp.resolve("landing one"));
        Path output = tmp.resolve("stream scores");
        Path checkpoint = tmp.resolve("checkpoint-one");
        StreamFixture images = new StreamFixture();
        StreamFixture.land(landing, "before-start.jpg", images.photo());
        Thread.sleep(20); // the first start comes after the file's modification time

        Set<String> expected = new TreeSet<>();
        try (SparkSession spark = StreamFixture.session();
             ScoringStream stream = start(spark, config(landing, output, checkpoint, "latest"), BatchCommit.Hook.NONE)) {
            for (int i = 0; i < 3; i++) {
                StreamFixture.land(landing, "cam" + i + ".jpg", images.photo());
                expected.add("cam" + i + ".jpg");
            }
            StreamFixture.land(landing, "burst.zip", images.zipOfPhotos(2));
            expected.addAll(List.of("burst.zip!/e0.jpg", "burst.zip!/e1.jpg"));
            // a camera's own sub-folder, landed whole (written as a hidden folder, then renamed)
            Path hiddenFolder = Files.createDirectories(landing.resolve(".cam 9"));
            Files.write(hiddenFolder.resolve("sub.jpg"), images.photo());
            Files.move(hiddenFolder, landing.resolve("cam 9"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            expected.add("cam 9/sub.jpg");
            stream.query().processAllAvailable();
            assertEquals(expected, StreamFixture.rowsByPath(spark, output, landing).keySet());

            // bad files while it runs: error rows, and the stream goes on with the next files
            StreamFixture.land(landing, "cut.jpg", TestImages.truncated(images.photo(), 0.5));
            StreamFixture.land(landing, "notes.jpg", "not an image".getBytes(StandardCharsets.UTF_8));
            stream.query().processAllAvailable();
            StreamFixture.land(landing, "after-bad.jpg", images.photo());
            stream.query().processAllAvailable();
            assertTrue(stream.query().isActive());
            expected.addAll(List.of("cut.jpg", "notes.jpg", "after-bad.jpg"));

            Map<String, Row> rows = StreamFixture.rowsByPath(spark, output, landing);
            assertEquals(expected, rows.keySet(), "one row per file, none for the file there before the first start");
            for (String bad : List.of("cut.jpg", "notes.jpg")) {
                assertNotNull(rows.get(bad).getAs("error"), bad);
                assertNull(rows.get(bad).getAs("label"), bad);
            }
            for (String good : List.of("cam0.jpg", "burst.zip!/e1.jpg", "after-bad.jpg")) {
                assertNull(rows.get(good).getAs("error"), good);
                assertNotNull(rows.get(good).getAs("label"), good);
            }
        }
        // what a plain Parquet reader globs: one file per batch, nothing left in staging
        try (Stream<Path> files = Files.walk(output)) {
            List<String> visible = files.filter(Files::isRegularFile).map(p -> output.relativize(p).toString())
                    .filter(p -> !p.startsWith("_") && !p.contains("/.")).toList();
            assertFalse(visible.isEmpty());
            assertTrue(visible.stream().allMatch(p -> p.matches("run_date=\\d{4}-\\d\\d-\\d\\d/batch-\\d+-[0-9a-f-]{36}\\.parquet")), visible.toString());
        }
        assertTrue(!Files.exists(output.resolve(BatchCommit.STAGING))
                || Files.list(output.resolve(BatchCommit.STAGING)).findAny().isEmpty());

        // the score job on the same files writes the same rows, apart from scored_at (and the date)
        Path scores = tmp.resolve("batch scores");
        JobRunner.Outcome batch = JobRunner.run(StreamFixture.args("score", "score.model=" + model,
                "score.input=" + landing, "score.output=" + scores, "score.run-date=2026-12-01"));
        assertEquals(0, batch.exitCode(), batch.stderr());
        try (SparkSession spark = StreamFixture.session()) {
            Map<String, Row> streamed = StreamFixture.rowsByPath(spark, output, landing);
            Map<String, Row> scored = StreamFixture.rowsByPath(spark, scores, landing);
            assertEquals(expected.size() + 1, scored.size(), "score also reads the file there before the start");
            List<String> columns = new ArrayList<>(List.of(spark.read().parquet(scores.toString()).columns()));
            assertEquals(columns, List.of(spark.read().parquet(output.toString()).columns()));
            columns.removeAll(List.of("scored_at", "run_date"));
            for (String path : expected) {
                for (String column : columns) {
                    assertEquals((Object) scored.get(path).getAs(column), streamed.get(path).getAs(column), path + " " + column);
                }
            }
        }
    }

    /**
     * A batch stopped after its staging write, or after its rename but before Spark recorded it, is replayed on the
     * restart: the first finds nothing committed and commits, the second finds its file and adds nothing.
     */
    @Test
    void aBatchFailingAfterItsStagingWriteOrItsCommitIsReplayedIntoOneRowPerFile() throws Exception {
        StreamFixture images = new StreamFixture();
        Landing run = Landing.of("two", "old", 4, images);
        try (SparkSession spark = StreamFixture.session()) {
            PipelineConfig config = config(run.folder(), run.output(), run.checkpoint(), "earliest");
            for (BatchCommit.Step failAt : BatchCommit.Step.values()) {
                try (ScoringStream failing = start(spark, config, (step, batchId) -> {
                    if (step == failAt) {
                        throw new IllegalStateException("stopped after " + step + " of batch " + batchId);
                    }
                })) {
                    assertThrows(Exception.class, () -> failing.query().processAllAvailable());
                }
                StreamFixture.land(run.folder(), "new-" + failAt + ".jpg", images.photo());
                run.expected().add("new-" + failAt + ".jpg");
            }
            try (ScoringStream restarted = start(spark, config, BatchCommit.Hook.NONE)) {
                restarted.query().processAllAvailable();
            }
            assertEquals(run.expected(), StreamFixture.rowsByPath(spark, run.output(), run.folder()).keySet());

            // a new checkpoint on the same output is a new query: it scores every file again (a second row each),
            // and its batch 0 is not mistaken for the first query's committed batch 0
            try (ScoringStream anew = start(spark, config(run.folder(), run.output(), tmp.resolve("checkpoint-anew"),
                    "earliest"), BatchCommit.Hook.NONE)) {
                anew.query().processAllAvailable();
            }
            Dataset<Row> rows = spark.read().parquet(run.output().toString());
            assertEquals(2L * run.expected().size(), rows.count());
            assertEquals(run.expected().size(), rows.select("path").distinct().count());
        }
    }

    /**
     * The driver JVM killed (SIGKILL) inside a batch, after its staging write and then after its rename, and
     * restarted with the same checkpoint: exactly one row per file, none missing, and a reader never sees the
     * staged rows. A SIGTERM inside a batch stops the stream only once that batch has committed.
     */
    @Test
    void aDriverKilledInsideABatchAndRestartedWritesOneRowPerFile() throws Exception {
        StreamFixture images = new StreamFixture();
        Landing run = Landing.of("three", "a", 5, images);
        Path landing = run.folder();
        Path output = run.output();
        Set<String> expected = run.expected();
        String[] where = {model.toString(), landing.toString(), output.toString(), run.checkpoint().toString()};

        Process staged = runUntil(child(where, "STAGED"), StreamChild.inside(BatchCommit.Step.STAGED, 0), "staged");
        staged.destroyForcibly(); // SIGKILL
        assertTrue(staged.waitFor(60, TimeUnit.SECONDS));
        try (Stream<Path> stagedBatches = Files.list(output.resolve(BatchCommit.STAGING))) {
            assertTrue(stagedBatches.anyMatch(p -> p.getFileName().toString().startsWith("batch-0-")), "killed after staging");
        }
        assertEquals(Set.of(), committedFiles(output), "a reader sees nothing of a batch not committed");

        Process committed = runUntil(child(where, "COMMITTED"), StreamChild.inside(BatchCommit.Step.COMMITTED, 0), "committed");
        committed.destroyForcibly();
        assertTrue(committed.waitFor(60, TimeUnit.SECONDS));
        Path batch0 = committedFiles(output).stream().filter(p -> p.getFileName().toString().startsWith("batch-0-"))
                .findFirst().orElseThrow();
        long batch0Written = Files.getLastModifiedTime(batch0).toMillis();

        for (int i = 0; i < 3; i++) {
            StreamFixture.land(landing, "b" + i + ".jpg", images.photo());
            expected.add("b" + i + ".jpg");
        }
        Process slow = runUntil(child(where, "slow"), StreamChild.inside(BatchCommit.Step.STAGED, 1), "slow");
        slow.destroy(); // SIGTERM, inside batch 1
        assertTrue(slow.waitFor(120, TimeUnit.SECONDS));
        assertEquals(143, slow.exitValue(), "the exit status of a JVM ended by SIGTERM");
        String log = Files.readString(tmp.resolve("child-slow.log"));
        assertTrue(log.contains(StreamChild.STOPPED), log);
        assertTrue(log.contains("ScoringStream: stopped"), "the shutdown hook stopped the query "
                + "before the job stopped Spark:\n" + log);
        assertFalse(log.contains("ShutdownHook"), "no shutdown hook failed:\n" + log);
        assertEquals(batch0Written, Files.getLastModifiedTime(batch0).toMillis(), "the replayed batch 0 was not written again");
        try (SparkSession spark = StreamFixture.session()) {
            assertEquals(expected, StreamFixture.rowsByPath(spark, output, landing).keySet(),
                    "one row per file; batch 1 committed before the SIGTERM stopped the stream");
        }
    }

    private static ProcessBuilder child(String[] where, String mode) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        // the test JVM's own flags (Spark's --add-opens, the log configuration), with a smaller heap
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-Xmx1500m", "-cp", System.getProperty("java.class.path"), StreamChild.class.getName()));
        command.addAll(List.of(where));
        command.add(mode);
        return new ProcessBuilder(command).redirectErrorStream(true);
    }

    /** Starts the child and waits until it prints {@code line}; its output goes to child-NAME.log. */
    private static Process runUntil(ProcessBuilder child, String line, String name) throws Exception {
        Path log = tmp.resolve("child-" + name + ".log");
        Process process = child.redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (!Files.readString(log).contains(line)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new AssertionError("the child never got to '" + line + "':\n" + Files.readString(log));
            }
            Thread.sleep(50);
        }
        return process;
    }

    /** The committed Parquet files of the output, as a plain reader finds them. */
    private static Set<Path> committedFiles(Path output) throws IOException {
        if (!Files.exists(output)) {
            return Set.of();
        }
        try (Stream<Path> files = Files.walk(output)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".parquet"))
                    .filter(p -> output.relativize(p).toString().startsWith("run_date=")).collect(Collectors.toSet());
        }
    }
}
