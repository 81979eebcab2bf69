package org.facemask.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.facemask.evaluate.EvaluationReport;
import org.facemask.model.ModelDirectory;
import org.facemask.model.OnnxExporter;
import org.facemask.samples.SyntheticFaces;
import org.facemask.storage.Json;
import org.facemask.storage.Sha256;
import org.facemask.testing.SharedFiles;
import org.facemask.testing.TestImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.facemask.job.FeaturizeJobTest.sparkArgs;
import static org.facemask.job.PrepareJobTest.runMain;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** train, resume and evaluate end to end in local mode on synthetic faces, with the real ImageNet base. */
class TrainJobTest {
    @TempDir
    static Path tmp;
    static Path faces;
    static Path prepared;
    static Path model;
    static String weights;

    @BeforeAll
    static void trainOnce() throws Exception {
        weights = SharedFiles.weights035().toString();
        faces = tmp.resolve("faces");
        new SyntheticFaces(21).writeDataset(faces, 40);
        prepared = tmp.resolve("prepared");
        JobRunner.Outcome p = runMain(sparkArgs("prepare", "prepare.input=" + faces, "prepare.output=" + prepared));
        assertEquals(0, p.exitCode(), p.stderr());
        model = tmp.resolve("model");
        JobRunner.Outcome t = runMain(sparkArgs("train", "train.input=" + prepared, "train.output=" + model,
                "model.base.weights=" + weights, "train.epochs=4", "train.patience=0"));
        assertEquals(0, t.exitCode(), t.stderr());
    }

    private static JsonNode json(Path p) throws Exception {
        return new ObjectMapper().readTree(p.toFile());
    }

    @Test
    void writesModelMetadataMetricsAndPlots() throws Exception {
        for (String f : List.of("model.zip", "model.onnx", "metadata.json", "metrics.json", "loss.png", "accuracy.png",
                "confusion_matrix.png", "roc.png", "checkpoints/best.zip", "checkpoints/last.zip")) {
            assertTrue(Files.isRegularFile(model.resolve(f)), f);
        }
        assertFalse(Files.exists(model.resolve("_work")), "the work dir (features, training-master export) is deleted");

        JsonNode metrics = json(model.resolve("metrics.json"));
        assertEquals(4, metrics.get("epochs").size());
        int best = metrics.get("best_epoch").asInt();
        double bestLoss = metrics.get("epochs").get(best - 1).get("val_loss").asDouble();
        metrics.get("epochs").forEach(e -> assertTrue(e.get("val_loss").asDouble() >= bestLoss));
        JsonNode test = metrics.get("test");
        // 40 faces a class, 70/20/10: 4 test images a class
        assertEquals(8, test.get("images").asInt());
        assertTrue(test.get("accuracy").asDouble() >= 0.75, "a pretrained base separates drawn masks: " + test);
        assertEquals(2, test.get("confusion_matrix").size());
        assertTrue(test.get("per_class").get("with_mask").has("f1"));

        JsonNode meta = json(model.resolve("metadata.json"));
        assertEquals("[\"with_mask\",\"without_mask\"]", meta.get("classes").toString());
        assertEquals(96, meta.get("image_size").asInt());
        assertEquals("dd76dd888b05870b7afd6d70764f5b036a31817f8ec7649355edac2a8e8a2378",
                meta.get("base").get("weights_sha256").asText());
        assertEquals("features", meta.get("training").get("mode").asText());
        assertEquals(best, meta.get("training").get("best_epoch").asInt());
        String modelSha256 = Sha256.hex(Files.readAllBytes(model.resolve("model.zip")));
        assertEquals(modelSha256, meta.get("model_sha256").asText());
        assertTrue(meta.get("model_version").asText().endsWith("Z-" + modelSha256.substring(0, 10)), meta.toString());
        // issue #22: the ONNX graph score runs, exported once at training time beside model.zip
        byte[] onnx = Files.readAllBytes(model.resolve("model.onnx"));
        JsonNode recorded = meta.get("onnx");
        assertEquals(Sha256.hex(onnx), recorded.get("sha256").asText());
        assertEquals(onnx.length, recorded.get("size_bytes").asLong());
        assertEquals(OnnxExporter.channelBlockOfThisCpu(), recorded.get("export_options").get("channel_block").asInt());
        assertTrue(Arrays.equals(OnnxExporter.export(ModelDirectory.open("m", model.toUri(), new Configuration())
                .loadNetwork(new Configuration()), 96, OnnxExporter.channelBlockOfThisCpu()), onnx),
                "model.onnx is model.zip's network, exported with the recorded channel block");
    }

    @Test
    void evaluateOnThePreparedTestSplitAgreesWithTraining() throws Exception {
        Path out = tmp.resolve("eval-prepared");
        JobRunner.Outcome e = runMain(sparkArgs("evaluate", "evaluate.model=" + model, "evaluate.input=" + prepared,
                "evaluate.output=" + out));
        assertEquals(0, e.exitCode(), e.stderr());
        JsonNode evaluated = json(out.resolve("metrics.json"));
        JsonNode test = json(model.resolve("metrics.json")).get("test");
        assertEquals(test.get("accuracy").asDouble(), evaluated.get("accuracy").asDouble(), 1e-12);
        assertEquals(test.get("confusion_matrix"), evaluated.get("confusion_matrix"));
        assertTrue(Files.isRegularFile(out.resolve("roc.png")));
    }

    @Test
    void evaluateOnARawFolderCountsWhatItCannotDecode() throws Exception {
        Path raw = tmp.resolve("raw");
        new SyntheticFaces(99).writeDataset(raw, 6);
        Files.write(raw.resolve("with_mask/cut.jpg"),
                TestImages.truncated(Files.readAllBytes(raw.resolve("with_mask/with_mask_000.jpg")), 0.5));
        Files.writeString(raw.resolve("without_mask/notes.jpg"), "text");
        Path out = tmp.resolve("eval-raw");
        JobRunner.Outcome e = runMain(sparkArgs("evaluate", "evaluate.model=" + model, "evaluate.input=" + raw,
                "evaluate.output=" + out));
        assertEquals(0, e.exitCode(), e.stderr());
        EvaluationReport m = ((EvaluateAction.ImagesResult) e.result()).report();
        assertEquals(12, m.images());
        assertEquals(2, m.undecodable().count());
        assertTrue(m.undecodable().files().stream().anyMatch(f -> f.path().endsWith("cut.jpg")), m.toString());
        assertTrue(m.accuracy() >= 0.75, m.toString());
        // what the job returned is what metrics.json says
        assertEquals(json(out.resolve("metrics.json")), Json.read(Json.write(EvaluationReport.read(out.toUri(),
                new org.apache.hadoop.conf.Configuration()))));
        assertEquals(m.undecodable(), EvaluationReport.read(out.toUri(), new org.apache.hadoop.conf.Configuration()).undecodable());
    }

    /**
     * Issue #16 row 2: evaluate.output = evaluate.model with overwrite deleted the trained model. Refused before
     * Spark starts, however it is spelt, and so is a model folder given as the output of another evaluation.
     */
    @Test
    void evaluateNeverReplacesAModel() throws Exception {
        byte[] before = Files.readAllBytes(model.resolve("model.zip"));
        for (String output : List.of(model.toString(), "file://localhost" + model + "/", model.resolve("eval").toString())) {
            JobRunner.Outcome refused = runMain(sparkArgs("evaluate", "evaluate.model=" + model,
                    "evaluate.input=" + prepared, "evaluate.output=" + output, "evaluate.overwrite=true"));
            assertEquals(2, refused.exitCode(), output + ": " + refused.stderr());
            assertTrue(refused.stderr().contains("evaluate.output") && refused.stderr().contains("evaluate.model"),
                    refused.stderr());
        }
        Path copy = Files.createDirectories(tmp.resolve("model copy"));
        for (String f : List.of("model.zip", "metadata.json", "metrics.json")) {
            Files.copy(model.resolve(f), copy.resolve(f));
        }
        JobRunner.Outcome notAReport = runMain(sparkArgs("evaluate", "evaluate.model=" + model,
                "evaluate.input=" + prepared, "evaluate.output=" + copy, "evaluate.overwrite=true"));
        assertEquals(2, notAReport.exitCode(), notAReport.stderr());
        assertTrue(notAReport.stderr().contains("no earlier evaluate run wrote"), notAReport.stderr());
        assertTrue(Files.exists(copy.resolve("model.zip")));
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(model.resolve("model.zip"))));
        assertFalse(Files.exists(model.resolve("eval")));
    }

    /**
     * train.overwrite=true over the model in use, and the run fails half way (a damaged Parquet file of the training
     * split): the model folder is exactly as it was, so tonight's scoring still has its model.
     */
    @Test
    void aRetrainThatFailsLeavesTheModelInUse() throws Exception {
        Path inUse = tmp.resolve("model in use");
        copyTree(model, inUse);
        Path damaged = tmp.resolve("damaged prepared");
        copyTree(prepared, damaged);
        try (var files = Files.walk(damaged.resolve("images"))) {
            Path parquet = files.filter(f -> f.toString().contains("split=train") && f.toString().endsWith(".parquet"))
                    .findFirst().orElseThrow();
            Files.write(parquet, "not Parquet any more".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            Files.deleteIfExists(parquet.resolveSibling("." + parquet.getFileName() + ".crc"));
        }
        Map<String, byte[]> before = contents(inUse);
        JobRunner.Outcome t = runMain(sparkArgs("train", "train.input=" + damaged, "train.output=" + inUse,
                "model.base.weights=" + weights, "train.epochs=1", "train.overwrite=true"));
        assertEquals(1, t.exitCode(), t.stderr());
        assertTrue(t.stderr().contains("error: job failed"), t.stderr());
        Map<String, byte[]> after = contents(inUse);
        assertEquals(before.keySet(), after.keySet());
        before.forEach((name, bytes) -> assertTrue(java.util.Arrays.equals(bytes, after.get(name)), name));
        assertFalse(Files.exists(tmp.resolve(".model in use.previous")));
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (var files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }

    /** Every file under {@code dir} by its relative path, with its bytes. */
    private static Map<String, byte[]> contents(Path dir) throws Exception {
        Map<String, byte[]> contents = new java.util.TreeMap<>();
        try (var files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                contents.put(dir.relativize(f).toString(), Files.readAllBytes(f));
            }
        }
        return contents;
    }

    @Test
    void resumeContinuesFromTheLastCheckpoint() throws Exception {
        Path resumable = tmp.resolve("resumable");
        JobRunner.Outcome first = runMain(sparkArgs("train", "train.input=" + prepared, "train.output=" + resumable,
                "model.base.weights=" + weights, "train.epochs=2", "train.patience=0"));
        assertEquals(0, first.exitCode(), first.stderr());
        JsonNode before = json(resumable.resolve("metrics.json")).get("epochs");
        JobRunner.Outcome resumed = runMain(sparkArgs("train", "train.input=" + prepared, "train.output=" + resumable,
                "model.base.weights=" + weights, "train.epochs=3", "train.patience=0", "train.resume=true"));
        assertEquals(0, resumed.exitCode(), resumed.stderr());
        JsonNode after = json(resumable.resolve("metrics.json")).get("epochs");
        assertEquals(3, after.size());
        assertEquals(before.get(0), after.get(0));
        assertEquals(before.get(1), after.get(1));
        JobRunner.Outcome refused = runMain(sparkArgs("train", "train.input=" + prepared,
                "train.output=" + resumable, "model.base.weights=" + weights));
        assertEquals(2, refused.exitCode());
        assertTrue(refused.stderr().contains("train.overwrite=true"), refused.stderr());
    }

    /** train.resume continues a folder instead of replacing it, so a misspelt output must not cost a user's files. */
    @Test
    void resumeIntoAFolderOfOtherFilesDeletesNothing() throws Exception {
        Path photos = Files.createDirectories(tmp.resolve("my photos"));
        byte[] mine = "a user's file".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Files.write(photos.resolve("holiday.jpg"), mine);
        Files.createDirectories(photos.resolve("2019"));
        Files.write(photos.resolve("2019/beach.jpg"), mine);
        JobRunner.Outcome t = runMain(sparkArgs("train", "train.input=" + prepared, "train.output=" + photos,
                "model.base.weights=" + weights, "train.epochs=1", "train.resume=true"));
        // a path with a space trains too (DL4J's staged training data cannot be read back from one: trained without)
        assertEquals(0, t.exitCode(), t.stderr());
        assertTrue(Files.exists(photos.resolve("model.onnx")));
        assertTrue(java.util.Arrays.equals(mine, Files.readAllBytes(photos.resolve("holiday.jpg"))));
        assertTrue(java.util.Arrays.equals(mine, Files.readAllBytes(photos.resolve("2019/beach.jpg"))));
    }

    @Test
    void augmentedCopiesJoinTheTrainingSet() throws Exception {
        Path augmented = tmp.resolve("augmented");
        JobRunner.Outcome t = runMain(sparkArgs("train", "train.input=" + prepared, "train.output=" + augmented,
                "model.base.weights=" + weights, "train.epochs=1", "train.augment.copies=2"));
        assertEquals(0, t.exitCode(), t.stderr());
        JsonNode training = json(augmented.resolve("metadata.json")).get("training");
        // 28 training images a class, each with two variants
        assertEquals(3 * 56, training.get("images").get("train").asInt());
        assertEquals(2, training.get("augmentation").get("copies").asInt());
        assertEquals(8, json(augmented.resolve("metrics.json")).get("test").get("images").asInt());
    }

    @Test
    void fineTuningStartsFromTheHeadAndIsRecorded() throws Exception {
        Path fineTuned = tmp.resolve("fine-tuned");
        JobRunner.Outcome t = runMain(sparkArgs("train", "train.input=" + prepared, "train.output=" + fineTuned,
                "model.base.weights=" + weights, "train.epochs=2", "train.patience=0", "train.fine-tune.blocks=2",
                "train.fine-tune.epochs=2", "train.fine-tune.learning-rate=0.0003"));
        assertEquals(0, t.exitCode(), t.stderr());
        JsonNode training = json(fineTuned.resolve("metadata.json")).get("training");
        JsonNode fineTune = training.get("fine_tune");
        assertEquals(2, fineTune.get("blocks").asInt());
        assertEquals("block_14_add (exclusive)", fineTune.get("trained_from").asText());
        assertEquals(0.0003, fineTune.get("learning_rate").asDouble());
        assertEquals(2, fineTune.get("epochs_run").asInt());
        // the trained part, fed with the activations computed once, starts exactly where the head ended
        assertEquals(training.get("best_val_loss").asDouble(), fineTune.get("head_val_loss").asDouble(), 1e-4);
        int best = fineTune.get("best_epoch").asInt();
        assertEquals(best > 0, fineTune.get("kept").asBoolean());
        assertTrue(fineTune.get("best_val_loss").asDouble() <= fineTune.get("head_val_loss").asDouble());
        JsonNode metrics = json(fineTuned.resolve("metrics.json"));
        assertEquals(2, metrics.get("fine_tune").get("epochs").size());
        assertEquals(best, metrics.get("fine_tune").get("best_epoch").asInt());
        assertTrue(Files.isRegularFile(fineTuned.resolve("checkpoints/fine-tune/last.zip")));
        String report = Files.readString(fineTuned.resolve("report.html"));
        assertTrue(report.contains("fine-tuning validation loss") && report.contains("<td>fine-tuning 2</td>"),
                "the report draws and lists fine-tuning's epochs after the head's");
        String kept = best > 0 ? "Kept: fine-tuning epoch " + best + " (the head alone was best at epoch "
                + training.get("best_epoch").asInt() + ")" : "Best epoch: " + training.get("best_epoch").asInt();
        assertTrue(report.contains(kept), "the report names the epoch whose weights were written: " + kept);
        assertFalse(Files.exists(fineTuned.resolve("_work")), "the activations are deleted with the work dir");

        // the model written is the one the test metrics describe
        Path out = tmp.resolve("eval-fine-tuned");
        JobRunner.Outcome e = runMain(sparkArgs("evaluate", "evaluate.model=" + fineTuned, "evaluate.input=" + prepared,
                "evaluate.output=" + out));
        assertEquals(0, e.exitCode(), e.stderr());
        assertEquals(metrics.get("test").get("confusion_matrix"), json(out.resolve("metrics.json")).get("confusion_matrix"));
    }
}
