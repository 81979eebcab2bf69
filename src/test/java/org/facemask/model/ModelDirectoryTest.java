package org.facemask.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.facemask.config.ConfigError;
import org.facemask.job.JobRunner;
import org.facemask.storage.Json;
import org.facemask.storage.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model directory's files must belong together: model.zip, model.onnx and metadata.json of different training
 * runs, or a metadata.json whose classes do not match the network, are refused before any Spark work. Tiny heads
 * stand in for trained classifiers (same files, written by the same code, in milliseconds); a head takes features,
 * not pixels, so bytes named after the run stand in for its ONNX export, which the directory never parses.
 */
class ModelDirectoryTest {
    private static final List<String> CLASSES = List.of("with_mask", "without_mask");
    private static final Configuration HADOOP = new Configuration();

    @TempDir
    Path tmp;

    private Path model(String name, List<String> classes, long seed) {
        Path dir = tmp.resolve(name);
        ComputationGraph network = Classifier.head(16, new Classifier.HeadSpec(8, 0, classes.size(),
                Classifier.HeadSpec.adam(1e-3), seed));
        byte[] onnx = ("ONNX export of run " + name + " " + seed).getBytes(StandardCharsets.UTF_8);
        ModelDirectory.write(dir.toUri(), network, onnx, 16, (sha256, onnxFile) -> ModelMetadata.create(sha256,
                onnxFile, Instant.now(), classes, 96, 0.35, true, null, Map.of("mode", "features")), HADOOP);
        return dir;
    }

    private static ModelDirectory open(Path dir) {
        return ModelDirectory.open("score.model", dir.toUri(), HADOOP);
    }

    private static String refusal(Path dir) {
        return assertThrows(ConfigError.class, () -> open(dir)).getMessage();
    }

    private static String sha256(Path file) throws Exception {
        return Sha256.hex(Files.readAllBytes(file));
    }

    /** Replaces a file as cp does, without Hadoop's .crc beside it (a stale one fails the read on a checksum). */
    private static void copy(Path from, Path to) throws Exception {
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        Files.deleteIfExists(to.resolveSibling("." + to.getFileName() + ".crc"));
    }

    /** Rewrites one top-level field of metadata.json; a null value removes it. */
    private static void editMetadata(Path dir, String field, Object value) throws Exception {
        Path file = dir.resolve(ModelMetadata.FILE);
        ObjectNode json = (ObjectNode) Json.read(Files.readString(file));
        if (value == null) {
            json.remove(field);
        } else {
            json.set(field, new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(value));
        }
        Files.writeString(file, Json.write(json));
        Files.deleteIfExists(dir.resolve("." + ModelMetadata.FILE + ".crc"));
    }

    @Test
    void metadataRecordsTheSha256OfModelZipAndItsVersionStartsWithIt() throws Exception {
        Path dir = model("a", CLASSES, 1);
        String sha256 = sha256(dir.resolve(ModelDirectory.MODEL_FILE));
        ModelDirectory opened = open(dir);
        assertEquals(sha256, opened.metadata().modelSha256());
        assertEquals(sha256, Json.read(Files.readString(dir.resolve(ModelMetadata.FILE))).get("model_sha256").asText());
        assertTrue(opened.metadata().version().matches("\\d{8}T\\d{6}Z-" + sha256.substring(0, 10)),
                opened.metadata().version());
        assertEquals(CLASSES, opened.metadata().classes());
        assertEquals(2, opened.loadNetwork(HADOOP).getOutputLayer(0).getParam("W").columns());
    }

    @Test
    void modelOnnxIsRecordedInMetadataAndIsWhatTheOnnxEngineGets() throws Exception {
        Path dir = model("a", CLASSES, 1);
        byte[] onnx = Files.readAllBytes(dir.resolve(ModelDirectory.ONNX_FILE));
        JsonNode recorded = Json.read(Files.readString(dir.resolve(ModelMetadata.FILE))).get("onnx");
        assertEquals("model.onnx", recorded.get("file").asText());
        assertEquals(Sha256.hex(onnx), recorded.get("sha256").asText());
        assertEquals(onnx.length, recorded.get("size_bytes").asLong());
        assertEquals(OnnxExporter.OPSET, recorded.get("opset").asInt());
        assertEquals(16, recorded.get("export_options").get("channel_block").asInt());
        ModelDirectory opened = open(dir);
        assertEquals(new ModelMetadata.OnnxFile("model.onnx", Sha256.hex(onnx), onnx.length, OnnxExporter.OPSET,
                new ModelMetadata.ExportOptions(16)), opened.metadata().onnx());
        // the stand-in bytes are no network: only reading the file, never an export, can give them back
        assertArrayEquals(onnx, opened.networkFor(InferenceEngine.ONNXRUNTIME, HADOOP));
    }

    @Test
    void aModelOnnxReplacedAfterTheCheckIsNotBroadcast() throws Exception {
        Path a = model("a", CLASSES, 1);
        ModelDirectory opened = open(a);
        String described = sha256(a.resolve(ModelDirectory.ONNX_FILE));
        copy(model("b", CLASSES, 2).resolve(ModelDirectory.ONNX_FILE), a.resolve(ModelDirectory.ONNX_FILE));
        String message = assertThrows(IllegalStateException.class,
                () -> opened.networkFor(InferenceEngine.ONNXRUNTIME, HADOOP)).getMessage();
        assertTrue(message.contains(sha256(a.resolve(ModelDirectory.ONNX_FILE))) && message.contains(described)
                && message.contains("replaced"), message);
    }

    @Test
    void olderMetadataWithoutOnnxOpensAndItsNetworkIsModelZips() throws Exception {
        Path old = model("old", CLASSES, 1);
        editMetadata(old, "onnx", null);
        Files.delete(old.resolve(ModelDirectory.ONNX_FILE));
        ModelDirectory opened = open(old);
        assertNull(opened.metadata().onnx());
        assertEquals(opened.loadNetwork(HADOOP).params(),
                Dl4jModel.deserialize(opened.networkFor(InferenceEngine.DL4J, HADOOP)).params());
    }

    @ParameterizedTest
    @ValueSource(strings = {ModelDirectory.MODEL_FILE, ModelDirectory.ONNX_FILE})
    void aModelZipOrOnnxFromAnotherRunIsRefusedNamingBothSha256(String file) throws Exception {
        Path a = model("a", CLASSES, 1);
        Path b = model("b", CLASSES, 2);
        String described = sha256(a.resolve(file));
        String other = sha256(b.resolve(file));
        assertNotEquals(described, other);
        copy(b.resolve(file), a.resolve(file));
        String message = refusal(a);
        assertTrue(message.startsWith("score.model: ") && message.contains(described) && message.contains(other)
                && message.contains(a.resolve(file).toString())
                && message.contains(a.resolve("metadata.json").toString()), message);
    }

    @Test
    void swappedClassesFromAnotherRunAreRefused() throws Exception {
        Path a = model("a", CLASSES, 1);
        Path swapped = model("swapped", List.of("without_mask", "with_mask"), 2);
        copy(swapped.resolve(ModelMetadata.FILE), a.resolve(ModelMetadata.FILE));
        String message = refusal(a);
        assertTrue(message.contains(sha256(a.resolve(ModelDirectory.MODEL_FILE)))
                && message.contains(sha256(swapped.resolve(ModelDirectory.MODEL_FILE))), message);
    }

    @Test
    void metadataWithOneOrThreeClassesIsRefusedNamingTheCounts() throws Exception {
        Path one = model("one", CLASSES, 1);
        editMetadata(one, "classes", List.of("with_mask"));
        String message = refusal(one);
        assertTrue(message.contains(one.resolve("metadata.json").toString())
                && message.contains("at least 2 different names, got 1 [with_mask]"), message);

        Path three = model("three", CLASSES, 1);
        editMetadata(three, "classes", List.of("with_mask", "without_mask", "other"));
        message = refusal(three);
        assertTrue(message.contains("lists 3 classes [with_mask, without_mask, other]")
                && message.contains("has 2 outputs") && message.contains(three.resolve("model.zip").toString()), message);

        Path repeated = model("repeated", CLASSES, 1);
        editMetadata(repeated, "classes", List.of("with_mask", "with_mask"));
        message = refusal(repeated);
        assertTrue(message.contains("got 2 [with_mask, with_mask]"), message);
    }

    @Test
    void olderMetadataWithoutTheSha256StillOpensAndItsClassesAreStillChecked() throws Exception {
        Path old = model("old", CLASSES, 1);
        editMetadata(old, "model_sha256", null);
        ModelDirectory opened = open(old);
        assertNull(opened.metadata().modelSha256());
        assertEquals(sha256(old.resolve(ModelDirectory.MODEL_FILE)), opened.modelSha256(), "what loadNetwork checks");
        opened.loadNetwork(HADOOP);

        editMetadata(old, "classes", List.of("with_mask", "without_mask", "other"));
        assertTrue(refusal(old).contains("lists 3 classes"));
    }

    @Test
    void aModelZipReplacedAfterTheCheckIsNotLoaded() throws Exception {
        Path a = model("a", CLASSES, 1);
        Path b = model("b", CLASSES, 2);
        ModelDirectory opened = open(a);
        copy(b.resolve(ModelDirectory.MODEL_FILE), a.resolve(ModelDirectory.MODEL_FILE));
        String message = assertThrows(IllegalStateException.class, () -> opened.loadNetwork(HADOOP)).getMessage();
        assertTrue(message.contains(sha256(a.resolve(ModelDirectory.MODEL_FILE))) && message.contains(opened.modelSha256())
                && message.contains("replaced"), message);
    }

    @Test
    void aModelZipThatIsNoModelIsNamed() throws Exception {
        Path a = model("a", CLASSES, 1);
        Files.writeString(a.resolve(ModelDirectory.MODEL_FILE), "not a zip");
        Files.deleteIfExists(a.resolve(".model.zip.crc"));
        String message = refusal(a);
        assertTrue(message.contains(a.resolve("model.zip").toString()) && message.contains("not a DL4J model"), message);
    }

    @Test
    void scoreAndEvaluateStopWithExitTwoBeforeSparkStarts() throws Exception {
        Path a = model("a", CLASSES, 1);
        copy(model("b", CLASSES, 2).resolve(ModelDirectory.MODEL_FILE), a.resolve(ModelDirectory.MODEL_FILE));
        Path input = Files.createDirectories(tmp.resolve("in"));
        JobRunner.Outcome score = JobRunner.run("score", "spark.master=local[1]", "score.model=" + a,
                "score.input=" + input, "score.output=" + tmp.resolve("scores"));
        assertEquals(2, score.exitCode(), score.stderr());
        assertTrue(score.stderr().contains("score.model: ") && score.stderr().contains("different training runs"),
                score.stderr());
        JobRunner.Outcome evaluate = JobRunner.run("evaluate", "spark.master=local[1]", "evaluate.model=" + a,
                "evaluate.input=" + input, "evaluate.output=" + tmp.resolve("evaluation"));
        assertEquals(2, evaluate.exitCode(), evaluate.stderr());
        assertTrue(evaluate.stderr().contains("evaluate.model: "), evaluate.stderr());
        assertTrue(Files.notExists(tmp.resolve("scores")) && Files.notExists(tmp.resolve("evaluation")));
    }
}
