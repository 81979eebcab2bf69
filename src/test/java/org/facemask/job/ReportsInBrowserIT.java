package org.facemask.job;

import com.fasterxml.jackson.databind.JsonNode;
import org.facemask.samples.SyntheticFaces;
import org.facemask.storage.Json;
import org.facemask.testing.HeadlessChromium;
import org.facemask.testing.SharedFiles;
import org.facemask.testing.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static org.apache.spark.sql.functions.col;
import static org.facemask.job.FeaturizeJobTest.sparkArgs;
import static org.facemask.job.PrepareJobTest.runMain;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #20: the reports of a real train, evaluate and two nights of scoring, opened in headless Chromium. Each must
 * load without a console error or a broken image and show the numbers of metrics.json (or of the scored partition);
 * screenshots go to target/report-screenshots/ (the README's pictures are taken from there). About 3 minutes (six
 * Spark jobs), so an integration test.
 */
class ReportsInBrowserIT {
    static final Path SCREENSHOTS = Path.of("target", "report-screenshots");
    static final String NIGHT_1 = "2026-11-01";
    static final String NIGHT_2 = "2026-11-02";
    @TempDir
    static Path tmp;
    static Path prepared;
    static Path model;
    static Path evaluation;
    static Path scores;
    static HeadlessChromium chromium;

    @BeforeAll
    static void trainEvaluateAndScoreTwoNights() throws Exception {
        Path faces = tmp.resolve("faces");
        new SyntheticFaces(41).writeDataset(faces, 20);
        prepared = tmp.resolve("prepared");
        JobRunner.Outcome p = runMain(sparkArgs("prepare", "prepare.input=" + faces, "prepare.output=" + prepared));
        assertEquals(0, p.exitCode(), p.stderr());
        model = tmp.resolve("model");
        JobRunner.Outcome t = runMain(sparkArgs("train", "train.input=" + prepared, "train.output=" + model,
                "model.base.weights=" + SharedFiles.weights035(), "train.epochs=2", "train.patience=0"));
        assertEquals(0, t.exitCode(), t.stderr());
        evaluation = tmp.resolve("evaluation");
        JobRunner.Outcome e = runMain(sparkArgs("evaluate", "evaluate.model=" + model, "evaluate.input=" + prepared,
                "evaluate.output=" + evaluation, "evaluate.split=all"));
        assertEquals(0, e.exitCode(), e.stderr());

        Path input = Files.createDirectories(tmp.resolve("camera"));
        SyntheticFaces draw = new SyntheticFaces(7);
        for (int i = 0; i < 6; i++) {
            Files.write(input.resolve("photo" + i + ".jpg"), TestImages.encode(draw.draw(i % 3 != 0, 100), "jpg"));
        }
        Files.writeString(input.resolve("notes.jpg"), "not an image");
        Files.write(input.resolve("empty.jpg"), new byte[0]);
        scores = tmp.resolve("scores");
        assertEquals(0, score(scores, NIGHT_1).exitCode());
        for (int i = 6; i < 9; i++) {
            Files.write(input.resolve("photo" + i + ".jpg"), TestImages.encode(draw.draw(false, 100), "jpg"));
        }
        JobRunner.Outcome second = score(scores, NIGHT_2);
        assertEquals(0, second.exitCode(), second.stderr());
        chromium = HeadlessChromium.start(tmp.resolve("chromium profile"));
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stopChromium() {
        if (chromium != null) {
            chromium.close();
        }
    }

    static JobRunner.Outcome score(Path output, String date) {
        return runMain(sparkArgs("score", "score.model=" + model, "score.input=" + tmp.resolve("camera"),
                "score.output=" + output, "score.run-date=" + date));
    }

    /** Opens a report; fails on any problem the browser showed; keeps its screenshot. */
    static void open(Path report, String screenshot) throws Exception {
        assertTrue(Files.isRegularFile(report), report.toString());
        HeadlessChromium.Page page = chromium.open(report, 800);
        Files.write(SCREENSHOTS.resolve(screenshot), page.screenshotPng());
        assertEquals(List.of(), page.problems(), report.toString());
        assertEquals(0, chromium.evaluate("document.scripts.length").asInt());
    }

    /** The text of the figure the report marks with {@code data-key}. */
    static String shown(String key) {
        JsonNode text = chromium.evaluate("(e => e ? e.textContent : 'no element with data-key=" + key + "')"
                + "(document.querySelector('[data-key=\"" + key + "\"]'))");
        return text.asText();
    }

    static String fraction(JsonNode value) {
        return String.format(Locale.ROOT, "%.4f", value.asDouble());
    }

    static JsonNode json(Path file) throws Exception {
        return Json.read(Files.readString(file));
    }

    /** The test block of metrics.json (train) or its body (evaluate), as the report shows it. */
    static void showsTheMetrics(JsonNode m) {
        assertEquals(m.get("images").asText(), shown("images"));
        assertEquals(fraction(m.get("accuracy")), shown("accuracy"));
        assertEquals(fraction(m.get("auc")), shown("auc"));
        List<String> classes = List.of("with_mask", "without_mask");
        long correct = 0;
        for (int i = 0; i < 2; i++) {
            JsonNode c = m.get("per_class").get(classes.get(i));
            assertEquals(fraction(c.get("recall")), shown("recall." + classes.get(i)));
            assertEquals(fraction(c.get("precision")), shown("precision." + classes.get(i)));
            assertEquals(fraction(c.get("f1")), shown("f1." + classes.get(i)));
            for (int j = 0; j < 2; j++) {
                assertEquals(m.get("confusion_matrix").get(i).get(j).asText(),
                        shown("confusion." + classes.get(i) + "." + classes.get(j)));
            }
            correct += m.get("confusion_matrix").get(i).get(i).asLong();
        }
        assertEquals(Math.min(48, m.get("images").asLong() - correct),
                chromium.evaluate("document.querySelectorAll('figure img').length").asLong(),
                "every misclassified image has its thumbnail");
    }

    @Test
    void trainReportShowsTheCurvesAndTheTestMetrics() throws Exception {
        open(model.resolve("report.html"), "train.png");
        JsonNode metrics = json(model.resolve("metrics.json"));
        showsTheMetrics(metrics.get("test"));
        int fineTuningEpochs = metrics.path("fine_tune").path("epochs").size(); // the default recipe fine-tunes
        assertEquals(metrics.get("epochs").size() + fineTuningEpochs, chromium.evaluate(
                "[...document.querySelectorAll('h2')].find(h => h.textContent == 'Training')"
                        + ".parentElement.querySelectorAll('tbody tr').length").asInt(),
                "one row per epoch, the head's then fine-tuning's");
        assertEquals(fraction(metrics.get("epochs").get(1).get("val_loss")), chromium.evaluate(
                "[...document.querySelectorAll('h2')].find(h => h.textContent == 'Training')"
                        + ".parentElement.querySelector('tbody tr:nth-child(2) td:nth-child(3)').textContent").asText());
        assertEquals(3, chromium.evaluate("document.querySelectorAll('svg').length").asInt(), "loss, accuracy, ROC");
    }

    @Test
    void evaluateReportShowsTheSameNumbersAsItsMetrics() throws Exception {
        open(evaluation.resolve("report.html"), "evaluate.png");
        showsTheMetrics(json(evaluation.resolve("metrics.json")));
    }

    @Test
    void scoreReportShowsThePartitionAndComparesWithThePreviousNight() throws Exception {
        Path reportDir = scores.resolve("_reports/run_date=" + NIGHT_2);
        open(reportDir.resolve("report.html"), "score.png");
        List<org.apache.spark.sql.Row> rows = ScoreJobTest.readOutput(scores, NIGHT_2);
        long errors = rows.stream().filter(r -> r.getAs("error") != null).count();
        long withMask = rows.stream().filter(r -> "with_mask".equals(r.getAs("label"))).count();
        assertEquals(String.valueOf(rows.size()), shown("rows"));
        assertEquals(String.valueOf(errors), shown("errors"));
        assertEquals(String.valueOf(withMask), shown("labels.with_mask"));
        assertEquals("1", shown("errors.not_an_image"));
        // night 2 is incremental: the three new photos and the two bad files tried again; the rest was skipped
        assertEquals(5, rows.size());
        JsonNode report = json(reportDir.resolve("report.json"));
        assertEquals(rows.size(), report.get("rows").asInt());
        assertEquals(6, report.get("files_skipped_as_scored").asInt());
        assertTrue(report.get("errors_by_reason").get("not_an_image").get("examples").get(0).asText().endsWith("notes.jpg"));
        assertTrue(chromium.evaluate("document.body.textContent").asText().contains("Previous: run_date " + NIGHT_1),
                "compared with night 1");
        assertEquals(String.valueOf(rows.size() - ScoreJobTest.readOutput(scores, NIGHT_1).size()), shown("change.rows"));
        long[] histogram = new long[10];
        rows.stream().filter(r -> r.getAs("label") != null)
                .forEach(r -> histogram[Math.min(9, (int) Math.floor((float) r.getAs("p_with_mask") * 10))]++);
        for (int b = 0; b < 10; b++) {
            assertEquals(histogram[b], report.get("probability_histogram").get("p_with_mask").get(b).asLong(), "bin " + b);
        }
        open(scores.resolve("_reports/run_date=" + NIGHT_1 + "/report.html"), "score-first-night.png");
        assertTrue(chromium.evaluate("document.body.textContent").asText().contains("this is the first"));
    }

    /** The reports never become a partition: the whole output reads as the two nights' rows, nothing more. */
    @Test
    void reportsAreNotReadAsAPartition() {
        long all = ScoreJobTest.read(spark -> spark.read().parquet(scores.toString()).count());
        assertEquals(ScoreJobTest.readOutput(scores, NIGHT_1).size() + ScoreJobTest.readOutput(scores, NIGHT_2).size(), all);
        assertEquals(List.of(NIGHT_1, NIGHT_2), ScoreJobTest.read(spark -> spark.read().parquet(scores.toString())
                .select(col("run_date").cast("string")).distinct().orderBy("run_date").as(
                        org.apache.spark.sql.Encoders.STRING()).collectAsList()));
    }

    /** A report that cannot be written leaves the committed partition alone and the run successful. */
    @Test
    void aFailedReportDoesNotFailTheRun() throws Exception {
        Path output = Files.createDirectories(tmp.resolve("scores, reports blocked"));
        Files.writeString(output.resolve("_reports"), "a file where the reports folder would go");
        JobRunner.Outcome run = score(output, NIGHT_1);
        assertEquals(0, run.exitCode(), run.stderr());
        long files;
        try (java.util.stream.Stream<Path> listed = Files.list(tmp.resolve("camera"))) {
            files = listed.count();
        }
        assertEquals(files, ScoreJobTest.readOutput(output, NIGHT_1).size());
        assertTrue(Files.isRegularFile(output.resolve("_reports")));
    }

    @Test
    void faceEvaluationReportShowsThePhotosAndTheFaceSizes() throws Exception {
        Path voc = EvaluateFacesJobTest.groupPhoto(tmp.resolve("street photos"));
        Path out = tmp.resolve("face evaluation");
        JobRunner.Outcome e = runMain(sparkArgs("evaluate", "evaluate.model=" + model, "evaluate.input=" + voc,
                "evaluate.output=" + out,
                "faces.model=" + SharedFiles.require("models/face-detectors/face_detection_yunet_2026may.onnx")));
        assertEquals(0, e.exitCode(), e.stderr());
        open(out.resolve("report.html"), "faces.png");
        JsonNode faces = json(out.resolve("metrics.json")).get("faces");
        assertEquals(faces.get("photos").asText(), shown("photos"));
        assertEquals(fraction(faces.get("detection").get("recall")), shown("detection.recall"));
        assertEquals(fraction(faces.get("end_to_end").get("share")), shown("share"));
        assertEquals(fraction(faces.get("end_to_end").get("by_face_size").get("64px_and_over").get("share")),
                shown("size.64px_and_over"));
        assertEquals(1, chromium.evaluate("document.querySelectorAll('img.photo').length").asInt(), "the photo with its boxes");
        assertFalse(shown("recall.with_mask").startsWith("no element"));
    }
}
