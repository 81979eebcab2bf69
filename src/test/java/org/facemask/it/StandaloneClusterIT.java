package org.facemask.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.spark.sql.SparkSession;
import org.facemask.storage.Json;
import org.facemask.testing.SharedFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.facemask.samples.SyntheticFaces;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Spark standalone cluster on 127.0.0.1: a master and two workers, each its own JVM, laid out from Maven
 * Central (src/it/spark-home), and prepare, train (parameter averaging over both executors) and score submitted
 * through submit.sh as a user would, with spark.master pointing at the cluster. Proves the jobs' closures and
 * models serialise, the natives and Java 17 flags reach the executor JVMs, and submit.sh's spark-submit path.
 * Then the faults: an executor JVM killed in the middle of training and in the middle of scoring.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {
    static final Path PROJECT = Path.of("").toAbsolutePath();
    static final Path SPARK_HOME = PROJECT.resolve("target/spark-home");
    static final List<Process> DAEMONS = new ArrayList<>();
    static String master;
    static Path work;

    @BeforeAll
    static void startCluster() throws Exception {
        SharedFiles.weights035();
        layOutSparkHome();
        work = Files.createTempDirectory(PROJECT.resolve("target"), "cluster-it");
        int port = freePort();
        master = "spark://127.0.0.1:" + port;
        Path masterLog = work.resolve("master.log");
        DAEMONS.add(daemon(masterLog, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                "--port", String.valueOf(port), "--webui-port", String.valueOf(freePort())));
        for (int i = 1; i <= 2; i++) {
            DAEMONS.add(daemon(work.resolve("worker" + i + ".log"), "org.apache.spark.deploy.worker.Worker",
                    "--host", "127.0.0.1", "--cores", "1", "--memory", "3g", "--webui-port", String.valueOf(freePort()),
                    "--work-dir", work.resolve("worker" + i).toString(), master));
        }
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (countRegistered(masterLog) < 2) {
            assertTrue(Instant.now().isBefore(deadline), "workers did not register: " + Files.readString(masterLog));
            Thread.sleep(500);
        }
    }

    @AfterAll
    static void stopCluster() {
        DAEMONS.forEach(p -> p.descendants().forEach(ProcessHandle::destroy));
        DAEMONS.forEach(Process::destroy);
    }

    /** Spark's own jars (a distribution's jars/), its launcher script, and the RELEASE marker the launcher looks for. */
    static void layOutSparkHome() throws Exception {
        copyDependencies("src/it/spark-home", SPARK_HOME.resolve("jars"));
        Files.createDirectories(SPARK_HOME.resolve("bin"));
        Files.copy(PROJECT.resolve("src/it/spark-home/bin/spark-submit"), SPARK_HOME.resolve("bin/spark-submit"),
                StandardCopyOption.REPLACE_EXISTING);
        SPARK_HOME.resolve("bin/spark-submit").toFile().setExecutable(true);
        Files.writeString(SPARK_HOME.resolve("RELEASE"), "Spark 3.5.9 laid out by StandaloneClusterIT\n");
    }

    static Process daemon(Path log, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx512m"));
        cmd.addAll(List.of(System.getProperty("facemask.jvm.opens", "").split(" ")));
        cmd.removeIf(String::isBlank);
        cmd.addAll(List.of("-cp", SPARK_HOME.resolve("jars") + File.separator + "*", mainClass));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        environment(pb);
        return pb.start();
    }

    static void environment(ProcessBuilder pb) {
        pb.environment().put("SPARK_HOME", SPARK_HOME.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.12");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    }

    /** The jars of the pom in {@code pomFolder} (its dependency closure, from Maven Central) into {@code jars}, once. */
    static void copyDependencies(String pomFolder, Path jars) throws Exception {
        if (!Files.isDirectory(jars)) {
            Process mvn = new ProcessBuilder("mvn", "-q", "-B", "-ntp", "dependency:copy-dependencies",
                    "-DoutputDirectory=" + jars).directory(PROJECT.resolve(pomFolder).toFile()).inheritIO().start();
            assertEquals(0, mvn.waitFor(), "laying out " + jars);
        }
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static long countRegistered(Path masterLog) throws IOException {
        return Files.readAllLines(masterLog).stream().filter(l -> l.contains("Registering worker")).count();
    }

    /** ./submit.sh <job> spark.master=<cluster> ...: as a user runs it; its output goes to {@code log}. */
    static Process start(Path log, String job, String... overrides) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(PROJECT.resolve("submit.sh").toString(), job,
                "spark.master=" + master, "spark.conf.\"spark.executor.memory\"=2g", "image.size=96"));
        cmd.addAll(List.of(overrides));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(PROJECT.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        environment(pb);
        return pb.start();
    }

    /** Waits for a submitted job; returns its exit code. */
    static int finish(Process job, Path log) throws Exception {
        assertTrue(job.waitFor(10, TimeUnit.MINUTES), log.getFileName() + ": job did not finish");
        return job.exitValue();
    }

    static void submit(String job, String... overrides) throws Exception {
        Path log = work.resolve(job + ".log");
        assertEquals(0, finish(start(log, job, overrides), log), job + " failed:\n" + Files.readString(log));
    }

    /**
     * Kills (SIGKILL, as a lost node or the OOM killer would) the executor JVM of worker 1 once {@code ready}
     * holds; returns the pid killed. Fails if the job ended first, since then nothing was proven.
     */
    static long killExecutorWhen(Process job, java.util.function.BooleanSupplier ready) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        while (!ready.getAsBoolean()) {
            assertTrue(job.isAlive(), "the job ended before an executor could be killed");
            assertTrue(Instant.now().isBefore(deadline), "no point to kill an executor at");
            Thread.sleep(20);
        }
        ProcessHandle executor = DAEMONS.get(1).descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
                .findFirst().orElseThrow(() -> new AssertionError("worker 1 runs no executor"));
        assertTrue(job.isAlive(), "the job ended before an executor could be killed");
        executor.destroyForcibly();
        return executor.pid();
    }

    static boolean logContains(Path log, String text) {
        try {
            return Files.exists(log) && Files.readString(log).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether an executor stderr under worker 1's folder for the newest application shows a finished task. */
    static boolean worker1FinishedATask(String appsBefore) {
        return worker1FinishedTasks(appsBefore, 1);
    }

    static String applications() throws IOException {
        try (var apps = Files.list(work.resolve("worker1"))) {
            return apps.map(a -> a.getFileName().toString()).toList().toString();
        }
    }

    @Test
    @Order(1)
    void prepareTrainAndScoreOnTwoExecutorJvms() throws Exception {
        Path faces = work.resolve("faces");
        new SyntheticFaces(7).writeDataset(faces, 24);
        submit("prepare", "prepare.input=" + faces, "prepare.output=" + work.resolve("prepared"));
        JsonNode summary = Json.read(Files.readString(work.resolve("prepared/summary.json")));
        assertEquals(48, summary.get("accepted").asInt());

        // the 224 weights at this test's 96 px (the convolutions do not depend on the size); the shipped copy covers
        // 224 only, and its use is proven by FirstRunTest
        submit("train", "train.input=" + work.resolve("prepared"), "train.output=" + work.resolve("model"),
                "model.base.weights=" + SharedFiles.weights035(), "train.epochs=2", "train.workers=2");
        JsonNode metadata = Json.read(Files.readString(work.resolve("model/metadata.json")));
        assertEquals(2, metadata.get("training").get("workers").asInt());
        assertEquals("dd76dd888b05870b7afd6d70764f5b036a31817f8ec7649355edac2a8e8a2378",
                metadata.get("base").get("weights_sha256").asText());
        assertTrue(Files.isRegularFile(work.resolve("model/model.zip")));

        submit("score", "score.model=" + work.resolve("model"), "score.input=" + faces,
                "score.output=" + work.resolve("scores"), "score.run-date=2026-11-26");
        try (SparkSession s = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false").getOrCreate()) {
            assertEquals(48, s.read().parquet(work.resolve("scores").toString()).where("error is null").count());
            assertEquals(48, s.read().parquet(work.resolve("scores").toString()).select("path").distinct().count());
        }
        // all three ran as applications of the cluster, on executors that were separate JVMs
        long apps = Files.readAllLines(work.resolve("master.log")).stream().filter(l -> l.contains("Registering app")).count();
        assertEquals(3, apps, "applications registered with the master");
        for (int i = 1; i <= 2; i++) {
            try (var files = Files.walk(work.resolve("worker" + i))) {
                assertTrue(files.anyMatch(f -> f.getFileName().toString().equals("stderr")),
                        "worker " + i + " ran no executor");
            }
        }
    }

    /**
     * An executor JVM killed between epochs of training: Spark retries the lost tasks on the surviving and the
     * relaunched executor, and the run completes all its epochs; or, if it fails, it says so and a re-run completes.
     */
    @Test
    @Order(2)
    void trainingSurvivesAKilledExecutor() throws Exception {
        Path log = work.resolve("train-killed.log");
        String[] args = {"train.input=" + work.resolve("prepared"), "train.output=" + work.resolve("model-killed"),
                "model.base.weights=" + SharedFiles.weights035(), "train.epochs=5", "train.patience=5",
                "train.workers=2"};
        Process train = start(log, "train", args);
        killExecutorWhen(train, () -> logContains(log, "epoch 1/5"));
        int exit = finish(train, log);
        String output = Files.readString(log);
        assertTrue(output.contains("Lost executor"), "the driver saw the executor go:\n" + output);
        if (exit != 0) {
            assertTrue(output.contains("error: job failed:"), output);
            Path again = work.resolve("train-again.log");
            assertEquals(0, finish(start(again, "train", append(args, "train.overwrite=true")), again),
                    Files.readString(again));
        }
        JsonNode metadata = Json.read(Files.readString(work.resolve("model-killed/metadata.json")));
        assertEquals(5, metadata.get("training").get("epochs_run").asInt());
        assertTrue(Files.isRegularFile(work.resolve("model-killed/model.zip")));
        assertFalse(Files.exists(work.resolve("model-killed/_work")), "training-master scratch cleaned up");
    }

    /**
     * An executor JVM killed while scoring 600 images in 20 tasks: the lost tasks run again elsewhere, and the
     * output holds every image exactly once (no rows lost, none doubled by the retried tasks).
     */
    @Test
    @Order(3)
    void scoringSurvivesAKilledExecutor() throws Exception {
        Path archive = work.resolve("archive");
        new SyntheticFaces(61).writeDataset(archive, 300);
        Path log = work.resolve("score-killed.log");
        String before = applications();
        Process score = start(log, "score", "score.model=" + work.resolve("model"), "score.input=" + archive,
                "score.output=" + work.resolve("scores-killed"), "score.run-date=2026-11-26", "score.partitions=20");
        killExecutorWhen(score, () -> worker1FinishedATask(before));
        assertEquals(0, finish(score, log), Files.readString(log));
        String output = Files.readString(log);
        assertTrue(output.contains("Lost executor"), "the driver saw the executor go:\n" + output);
        try (SparkSession s = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false").getOrCreate()) {
            var rows = s.read().parquet(work.resolve("scores-killed").toString());
            assertEquals(600, rows.count());
            assertEquals(600, rows.select("path").distinct().count());
            assertEquals(0, rows.where("error is not null").count());
        }
    }

    /**
     * The stream job on the cluster: 600 images land at once while it runs (three micro-batches of at most 200, each
     * scored in 20 tasks), and the executor JVM of worker 1 is killed (SIGKILL) once it has finished three tasks of
     * the application (the first is a batch's listing, so the kill falls while batches are scored). Spark reruns the
     * lost tasks; once the stream has caught up, every image has exactly one row. A SIGTERM then stops the driver.
     */
    @Test
    @Order(4)
    void streamSurvivesAKilledExecutor() throws Exception {
        Path drawn = work.resolve("stream-drawn");
        new SyntheticFaces(83).writeDataset(drawn, 300);
        Path landing = Files.createDirectories(work.resolve("landing"));
        Path output = work.resolve("scores-stream");
        Path log = work.resolve("stream-killed.log");
        String before = applications();
        Process stream = start(log, "stream", "score.model=" + work.resolve("model"), "stream.input=" + landing,
                "stream.output=" + output, "stream.checkpoint=" + work.resolve("checkpoint-stream"),
                "stream.trigger=1s", "stream.max-files-per-trigger=200", "stream.start=earliest", "score.partitions=20");
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        while (!logContains(log, "ScoringStream: watching")) {
            assertTrue(stream.isAlive() && Instant.now().isBefore(deadline), Files.readString(log));
            Thread.sleep(100);
        }
        // each class folder lands with one rename: its files appear whole
        for (String cls : List.of("with_mask", "without_mask")) {
            Files.move(drawn.resolve(cls), landing.resolve(cls), StandardCopyOption.ATOMIC_MOVE);
        }
        killExecutorWhen(stream, () -> worker1FinishedTasks(before, 3));
        deadline = Instant.now().plus(Duration.ofMinutes(10));
        while (filesCommitted(log) < 600) {
            assertTrue(stream.isAlive() && Instant.now().isBefore(deadline), "the stream did not catch up:\n"
                    + Files.readString(log));
            Thread.sleep(500);
        }
        stream.destroy(); // SIGTERM
        assertTrue(stream.waitFor(2, TimeUnit.MINUTES));
        String driverLog = Files.readString(log);
        assertTrue(driverLog.contains("Lost executor"), "the driver saw the executor go:\n" + driverLog);
        assertTrue(driverLog.contains("ScoringStream: stopped"), driverLog);
        try (SparkSession s = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false").getOrCreate()) {
            var rows = s.read().parquet(output.toString());
            assertEquals(600, rows.count());
            assertEquals(600, rows.select("path").distinct().count());
            assertEquals(0, rows.where("error is not null").count());
        }
    }

    /** Files the stream's batch lines report committed ("batch N: F files, ..."). */
    static long filesCommitted(Path log) throws IOException {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("BatchProgress: batch \\d+: (\\d+) files")
                .matcher(Files.readString(log));
        long files = 0;
        while (m.find()) {
            files += Long.parseLong(m.group(1));
        }
        return files;
    }

    /** Whether worker 1's executor for the newest application has finished at least {@code tasks} tasks. */
    static boolean worker1FinishedTasks(String appsBefore, long tasks) {
        try (var files = Files.walk(work.resolve("worker1"))) {
            return files.filter(f -> f.getFileName().toString().equals("stderr"))
                    .filter(f -> !appsBefore.contains(f.getParent().getParent().getFileName().toString()))
                    .mapToLong(f -> {
                        try {
                            return Files.readAllLines(f).stream().filter(l -> l.contains("Finished task")).count();
                        } catch (IOException e) {
                            return 0;
                        }
                    }).sum() >= tasks;
        } catch (IOException e) {
            return false;
        }
    }

    static String[] append(String[] args, String more) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = more;
        return all;
    }
}
