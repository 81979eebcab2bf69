package org.facemask.it;

import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.client.builder.AwsClientBuilder;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.AmazonS3ClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.facemask.samples.SyntheticFaces;
import org.facemask.storage.Json;
import org.facemask.storage.OutputLocation;
import org.facemask.storage.Storage;
import org.facemask.testing.SharedFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * prepare, train and score with input and output on s3a:// against a real S3-compatible server: S3Proxy (from
 * Maven Central, laid out by src/it/s3proxy) in its own JVM on 127.0.0.1, keeping objects in memory, with AWS
 * signature checks on. The jobs run through submit.sh and take their credentials from the environment
 * (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY), as on a user's machine; the secret must appear in no log line,
 * output file or metadata.
 */
class S3aIT {
    static final Path PROJECT = Path.of("").toAbsolutePath();
    static final Path S3PROXY_HOME = PROJECT.resolve("target/s3proxy");
    static final String BUCKET = "facemask-it";
    static final String ACCESS_KEY = "facemask-it-access";
    static final String SECRET_KEY = "s3cret-" + UUID.randomUUID();
    static Process server;
    static String endpoint;
    static Path work;
    static Configuration hadoop;

    @BeforeAll
    static void startS3() throws Exception {
        SharedFiles.weights035();
        StandaloneClusterIT.copyDependencies("src/it/s3proxy", S3PROXY_HOME.resolve("jars"));
        work = Files.createTempDirectory(PROJECT.resolve("target"), "s3a-it");
        int port = StandaloneClusterIT.freePort();
        endpoint = "http://127.0.0.1:" + port;
        Path properties = work.resolve("s3proxy.properties");
        Files.writeString(properties, String.join("\n",
                "s3proxy.endpoint=" + endpoint,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                // in memory: objects under a flat key space, as S3 has them (the filesystem backend maps
                // keys to folders, which breaks s3a's directory-marker handling)
                "jclouds.provider=transient", ""));
        server = new ProcessBuilder(StandaloneClusterIT.javaBin(), "-Xmx256m",
                "-cp", S3PROXY_HOME.resolve("jars") + File.separator + "*", "org.gaul.s3proxy.Main",
                "--properties", properties.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("s3proxy.log").toFile()).start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!listening(port)) {
            assertTrue(server.isAlive() && Instant.now().isBefore(deadline),
                    "S3Proxy did not start: " + Files.readString(work.resolve("s3proxy.log")));
            Thread.sleep(200);
        }
        hadoop = new Configuration();
        s3aSettings().forEach((k, v) -> hadoop.set(k, v));
        hadoop.set("fs.s3a.access.key", ACCESS_KEY);
        hadoop.set("fs.s3a.secret.key", SECRET_KEY);
        AmazonS3 client = AmazonS3ClientBuilder.standard()
                .withEndpointConfiguration(new AwsClientBuilder.EndpointConfiguration(endpoint, "us-east-1"))
                .withPathStyleAccessEnabled(true)
                .withCredentials(new AWSStaticCredentialsProvider(new BasicAWSCredentials(ACCESS_KEY, SECRET_KEY)))
                .build();
        client.createBucket(BUCKET); // s3a works inside buckets; it does not create them
        Path faces = work.resolve("faces");
        new SyntheticFaces(53).writeDataset(faces, 10);
        FileSystem s3 = FileSystem.get(URI.create("s3a://" + BUCKET + "/"), hadoop);
        s3.copyFromLocalFile(new org.apache.hadoop.fs.Path(faces.toUri()), new org.apache.hadoop.fs.Path("s3a://" + BUCKET + "/data/faces"));
    }

    @AfterAll
    static void stopS3() {
        if (server != null) {
            server.destroy();
        }
    }

    static boolean listening(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** What a user sets for an S3-compatible store other than AWS: endpoint, path-style buckets, plain HTTP. */
    static java.util.Map<String, String> s3aSettings() {
        return java.util.Map.of("fs.s3a.endpoint", endpoint, "fs.s3a.path.style.access", "true",
                "fs.s3a.connection.ssl.enabled", "false");
    }

    /** ./submit.sh <job> ... in local mode with the S3 settings as spark.hadoop.* and the keys in the environment. */
    static String submit(String job, String... overrides) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(PROJECT.resolve("submit.sh").toString(), job,
                "spark.master=local[2]", "image.size=96"));
        s3aSettings().forEach((k, v) -> cmd.add("spark.conf.\"spark.hadoop." + k + "\"=" + v));
        cmd.addAll(List.of(overrides));
        Path log = work.resolve(job + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(PROJECT.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("AWS_ACCESS_KEY_ID", ACCESS_KEY);
        pb.environment().put("AWS_SECRET_ACCESS_KEY", SECRET_KEY);
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Process p = pb.start();
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), job + " did not finish");
        String output = Files.readString(log);
        assertEquals(0, p.exitValue(), job + " failed:\n" + output);
        return output;
    }

    @Test
    void prepareTrainAndScoreOnS3() throws Exception {
        String s3 = "s3a://" + BUCKET;
        List<String> logs = new ArrayList<>();
        logs.add(submit("prepare", "prepare.input=" + s3 + "/data/faces", "prepare.output=" + s3 + "/prepared"));
        JsonNode summary = Json.read(Storage.readString(URI.create(s3 + "/prepared/summary.json"), hadoop));
        assertEquals(20, summary.get("files").asInt());
        assertEquals(20, summary.get("accepted").asInt());

        logs.add(submit("train", "train.input=" + s3 + "/prepared", "train.output=" + s3 + "/model",
                "model.base.weights=" + SharedFiles.weights035(), "train.epochs=2"));
        assertTrue(Storage.exists(URI.create(s3 + "/model/model.zip"), hadoop));
        assertFalse(Storage.exists(URI.create(s3 + "/model/_work"), hadoop), "training-master export cleaned up");

        logs.add(submit("score", "score.model=" + s3 + "/model", "score.input=" + s3 + "/data/faces",
                "score.output=" + s3 + "/scores", "score.run-date=2026-11-26"));
        assertTrue(logs.get(2).contains("scored 20 images (0 errors)"), logs.get(2));
        // a second run of the same night replaces the partition: still one row per image
        logs.add(submit("score", "score.model=" + s3 + "/model", "score.input=" + s3 + "/data/faces",
                "score.output=" + s3 + "/scores", "score.run-date=2026-11-26", "score.incremental=false"));
        assertTrue(logs.get(3).contains("scored 20 images (0 errors)"), logs.get(3));

        for (int i = 0; i < logs.size(); i++) {
            assertFalse(logs.get(i).contains(SECRET_KEY), "the secret key appears in the log of job " + i);
        }
        FileSystem fs = FileSystem.get(URI.create(s3 + "/"), hadoop);
        RemoteIterator<LocatedFileStatus> files = fs.listFiles(new org.apache.hadoop.fs.Path(s3 + "/"), true);
        int scoreFiles = 0;
        while (files.hasNext()) {
            org.apache.hadoop.fs.Path f = files.next().getPath();
            scoreFiles += f.toString().contains("/scores/run_date=2026-11-26/part-") ? 1 : 0;
            if (!f.toString().contains("/data/faces/")) {
                try (var in = fs.open(f)) {
                    assertFalse(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).contains(SECRET_KEY),
                            "the secret key is written in " + f);
                }
            }
        }
        assertTrue(scoreFiles >= 1, "score partition written");
        try (var spark = org.apache.spark.sql.SparkSession.builder().master("local[1]")
                .config("spark.ui.enabled", "false").getOrCreate()) {
            hadoopInto(spark);
            var scores = spark.read().parquet(s3 + "/scores");
            assertEquals(20, scores.count());
            assertEquals(20, scores.select("path").distinct().count());
            assertEquals(0, scores.where("error is not null").count());
        }
        aRetrainThatFailsOnS3LeavesTheModel(URI.create(s3 + "/model"));
    }

    /**
     * S3's rename is a copy and a delete: the earlier model is copied aside, flagged, then deleted, and a run that
     * fails copies it back. Every file of the model is as it was afterwards; a committed run deletes the copy.
     */
    private static void aRetrainThatFailsOnS3LeavesTheModel(URI model) throws Exception {
        FileSystem fs = FileSystem.get(model, hadoop);
        org.apache.hadoop.fs.Path modelPath = new org.apache.hadoop.fs.Path(model);
        org.apache.hadoop.fs.Path aside = new org.apache.hadoop.fs.Path(modelPath.getParent(), ".model.previous");
        java.util.Map<String, Long> before = sizes(fs, modelPath);
        byte[] modelZip = Storage.readBytes(URI.create(model + "/model.zip"), hadoop);
        OutputLocation planned = OutputLocation.checked(OutputLocation.Writer.TRAIN, model, true, List.of(), hadoop);
        try (OutputLocation.Replacement failing = planned.replace(hadoop)) {
            assertFalse(fs.exists(new org.apache.hadoop.fs.Path(modelPath, "model.zip")));
            assertTrue(fs.exists(new org.apache.hadoop.fs.Path(aside, "model.zip")));
            Storage.writeString(URI.create(model + "/checkpoints/half"), "half a run", hadoop);
        }
        assertEquals(before, sizes(fs, modelPath));
        assertArrayEquals(modelZip, Storage.readBytes(URI.create(model + "/model.zip"), hadoop));
        assertFalse(fs.exists(aside));
        try (OutputLocation.Replacement committed =
                     OutputLocation.checked(OutputLocation.Writer.TRAIN, model, true, List.of(), hadoop).replace(hadoop)) {
            committed.commit();
        }
        assertFalse(fs.exists(aside));
        assertEquals(java.util.Set.of(OutputLocation.MARKER), sizes(fs, modelPath).keySet());
    }

    /** Every file under {@code dir} by its relative path, with its size. */
    private static java.util.Map<String, Long> sizes(FileSystem fs, org.apache.hadoop.fs.Path dir) throws IOException {
        java.util.Map<String, Long> sizes = new java.util.TreeMap<>();
        RemoteIterator<LocatedFileStatus> files = fs.listFiles(dir, true);
        String prefix = fs.getFileStatus(dir).getPath().toString() + "/";
        while (files.hasNext()) {
            LocatedFileStatus f = files.next();
            sizes.put(f.getPath().toString().substring(prefix.length()), f.getLen());
        }
        return sizes;
    }

    private static void hadoopInto(org.apache.spark.sql.SparkSession spark) {
        hadoop.forEach(e -> {
            if (e.getKey().startsWith("fs.s3a.")) {
                spark.sparkContext().hadoopConfiguration().set(e.getKey(), e.getValue());
            }
        });
    }
}
