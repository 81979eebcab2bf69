package org.facemask.spark;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.facemask.config.ConfigError;
import org.facemask.job.JobRunner;
import org.facemask.samples.SyntheticFaces;
import org.facemask.testing.FaceCollage;
import org.facemask.testing.SharedFiles;
import org.facemask.testing.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The model from Spark itself: FaceMaskModel on binaryFile and image DataFrames gives what the score job gives on
 * the same files, whole and per face; a Pipeline holding it saves and loads; transformSchema refuses before any
 * data moves, naming the column.
 */
class FaceMaskModelTest {
    @TempDir
    static Path tmp;
    static Path model;
    static Path images;
    static Path photos;
    static Path scores;
    static Path faceScores;
    SparkSession spark;

    static String[] args(String job, String... more) {
        List<String> a = new ArrayList<>(List.of(job, "spark.master=local[2]", "spark.conf.\"spark.ui.enabled\"=false",
                "image.size=96"));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    /** A small model (as ScoreJobTest's), dev-set images with a file that is no image, scored by the job. */
    @BeforeAll
    static void trainAndScoreWithTheJob() throws Exception {
        Path faces = tmp.resolve("faces");
        new SyntheticFaces(31).writeDataset(faces, 16);
        Path prepared = tmp.resolve("prepared");
        JobRunner.Outcome p = JobRunner.run(args("prepare", "prepare.input=" + faces, "prepare.output=" + prepared));
        assertEquals(0, p.exitCode(), p.stderr());
        model = tmp.resolve("model");
        JobRunner.Outcome t = JobRunner.run(args("train", "train.input=" + prepared, "train.output=" + model,
                "model.base.weights=" + SharedFiles.weights035(), "train.epochs=2", "train.augment.copies=0",
                "train.fine-tune.blocks=0"));
        assertEquals(0, t.exitCode(), t.stderr());

        images = Files.createDirectories(tmp.resolve("dev images"));
        Path dev = SharedFiles.require("datasets/face-mask-dev");
        for (String cls : List.of("with_mask", "without_mask")) {
            try (Stream<Path> files = Files.list(dev.resolve(cls))) {
                for (Path f : files.sorted().limit(6).toList()) {
                    Files.copy(f, images.resolve(cls + "-" + f.getFileName()));
                }
            }
        }
        Files.write(images.resolve("drawn.png"), TestImages.encode(new SyntheticFaces(3).draw(true, 120), "png"));
        Files.writeString(images.resolve("notes.jpg"), "not an image");
        scores = tmp.resolve("scores");
        JobRunner.Outcome s = JobRunner.run(args("score", "score.model=" + model, "score.input=" + images,
                "score.output=" + scores, "score.run-date=2026-12-01"));
        assertEquals(0, s.exitCode(), s.stderr());

        photos = Files.createDirectories(tmp.resolve("photos"));
        Files.write(photos.resolve("three people.jpg"), TestImages.encode(FaceCollage.make().image(), "jpg"));
        Files.write(photos.resolve("landscape.png"), TestImages.encode(FaceCollage.noFaces(), "png"));
        faceScores = tmp.resolve("face scores");
        JobRunner.Outcome f = JobRunner.run(args("score", "score.model=" + model, "score.input=" + photos,
                "score.output=" + faceScores, "score.run-date=2026-12-01", "score.faces=true"));
        assertEquals(0, f.exitCode(), f.stderr());
    }

    static SparkSession session() {
        return SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false").getOrCreate();
    }

    @AfterEach
    void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    /** path -> the job's row. */
    Map<String, Row> jobRows(Path output) {
        Map<String, Row> rows = new HashMap<>();
        for (Row r : spark.read().parquet(output.toString()).collectAsList()) {
            boolean face = hasColumn(r, "face_index") && !r.isNullAt(r.fieldIndex("face_index"));
            rows.put(r.getAs("path") + (face ? "#" + r.getAs("face_index") : ""), r);
        }
        return rows;
    }

    private static boolean hasColumn(Row r, String name) {
        return List.of(r.schema().fieldNames()).contains(name);
    }

    @Test
    void transformGivesTheScoreJobsLabelsAndProbabilities() {
        spark = session();
        Map<String, Row> job = jobRows(scores);
        Dataset<Row> files = spark.read().format("binaryFile").load(images.toString());
        FaceMaskModel mask = FaceMaskModel.load(model.toString()).setClassColumns(true);
        List<Row> rows = mask.transform(files).collectAsList();
        assertEquals(14, rows.size());
        assertEquals(job.keySet(), new java.util.HashSet<>(rows.stream().map(r -> (String) r.getAs("path")).toList()));
        int scored = 0;
        for (Row r : rows) {
            Row expected = job.get((String) r.getAs("path"));
            assertEquals((Object) expected.getAs("label"), r.getAs("label"), (String) r.getAs("path"));
            if (expected.getAs("error") != null) {
                assertTrue(((String) r.getAs("error")).startsWith("not_an_image"), (String) r.getAs("error"));
                assertNull(r.getAs("probability"));
                continue;
            }
            assertNull(r.getAs("error"));
            Vector p = r.getAs("probability");
            assertEquals((float) expected.getAs("p_with_mask"), p.apply(0), 1e-6);
            assertEquals((float) expected.getAs("p_without_mask"), p.apply(1), 1e-6);
            assertEquals((float) expected.getAs("p_with_mask"), (float) r.getAs("p_with_mask"), 1e-6);
            assertNotNull(r.getAs("content"), "the input's columns are kept");
            scored++;
        }
        assertEquals(13, scored);

        // Spark's image source: the same pixels for a PNG, so the same prediction
        Dataset<Row> decoded = spark.read().format("image").load(images.resolve("drawn.png").toString());
        Row fromStruct = FaceMaskModel.load(model.toString()).setInputCol("image").transform(decoded).head();
        Row fromJob = job.values().stream().filter(r -> r.<String>getAs("path").endsWith("drawn.png")).findFirst().orElseThrow();
        assertEquals((float) fromJob.getAs("p_with_mask"), ((Vector) fromStruct.getAs("probability")).apply(0), 1e-5);
        assertEquals((Object) fromJob.getAs("label"), fromStruct.getAs("label"));
    }

    @Test
    void perFaceModeGivesTheScoreJobsBoxes() {
        spark = session();
        Map<String, Row> job = jobRows(faceScores);
        Dataset<Row> files = spark.read().format("binaryFile").load(photos.toString()).drop("length");
        List<Row> rows = FaceMaskModel.load(model.toString()).setFaces(true).transform(files).collectAsList();
        assertEquals(4, rows.size(), "three faces and one row for the photo without: " + rows);
        for (Row r : rows) {
            String key = r.getAs("path") + (r.isNullAt(r.fieldIndex("face_index")) ? "" : "#" + r.getAs("face_index"));
            Row expected = job.get(key);
            assertNotNull(expected, key + " not in " + job.keySet());
            for (String c : List.of("box_x", "box_y", "box_w", "box_h", "face_confidence", "faces_found", "label")) {
                assertEquals((Object) expected.getAs(c), r.getAs(c), key + " " + c);
            }
        }
    }

    @Test
    void aPipelineWithTheModelSavesAndLoadsAndTransformsIdentically() throws Exception {
        spark = session();
        Dataset<Row> files = spark.read().format("binaryFile").load(images.toString());
        Path original = Files.createDirectories(tmp.resolve("model to delete"));
        try (Stream<Path> modelFiles = Files.list(model)) {
            for (Path f : modelFiles.toList()) {
                Files.copy(f, original.resolve(f.getFileName()));
            }
        }
        PipelineModel pipeline = new Pipeline().setStages(new PipelineStage[]{
                FaceMaskModel.load(original.toString()).setLabelCol("mask").setBatchSize(3)}).fit(files);
        List<Row> before = pipeline.transform(files).orderBy("path").select("path", "mask", "probability", "error").collectAsList();
        Path saved = tmp.resolve("saved pipeline");
        pipeline.write().overwrite().save(saved.toString());
        try (Stream<Path> modelFiles = Files.list(original)) {
            for (Path f : modelFiles.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(original);
        PipelineModel loaded = PipelineModel.load(saved.toString());
        FaceMaskModel stage = (FaceMaskModel) loaded.stages()[0];
        assertEquals(3, (int) stage.getOrDefault(stage.batchSize()));
        assertEquals("mask", stage.getOrDefault(stage.labelCol()));
        assertTrue(stage.getOrDefault(stage.modelPath()).startsWith(saved.toString()),
                "the model is read from the copy saved with the pipeline: " + stage.getOrDefault(stage.modelPath()));
        List<Row> after = loaded.transform(files).orderBy("path").select("path", "mask", "probability", "error").collectAsList();
        assertEquals(before, after);
    }

    @Test
    void transformSchemaRefusesAWrongInputOrAnExistingOutputNamingTheColumn() {
        spark = session();
        Dataset<Row> files = spark.read().format("binaryFile").load(images.toString());
        FaceMaskModel mask = FaceMaskModel.load(model.toString());
        IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class,
                () -> mask.copy(new org.apache.spark.ml.param.ParamMap()).setInputCol("path").transform(files));
        assertTrue(wrongType.getMessage().contains("'path' is string"), wrongType.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> mask.transformSchema(files.drop("content").schema()));
        assertTrue(missing.getMessage().contains("'content' is not in the input"), missing.getMessage());
        IllegalArgumentException taken = assertThrows(IllegalArgumentException.class,
                () -> mask.transform(files.withColumn("label", col("path"))));
        assertTrue(taken.getMessage().contains("output column 'label'"), taken.getMessage());
        IllegalArgumentException perClass = assertThrows(IllegalArgumentException.class,
                () -> mask.copy(new org.apache.spark.ml.param.ParamMap()).setClassColumns(true)
                        .transformSchema(files.withColumn("p_without_mask", col("length")).schema()));
        assertTrue(perClass.getMessage().contains("'p_without_mask'"), perClass.getMessage());
        ConfigError noModel = assertThrows(ConfigError.class, () -> FaceMaskModel.load(tmp.resolve("nothing").toString()));
        assertTrue(noModel.getMessage().contains("modelPath"), noModel.getMessage());
        ConfigError badSetting = assertThrows(ConfigError.class, () -> FaceMaskModel.load(model.toString())
                .setEngine("tensorflow").transform(files));
        assertTrue(badSetting.getMessage().contains("model.engine"), badSetting.getMessage());
    }

    /** SQL over binaryFile: the job's labels and probabilities, and its boxes for mask_faces. */
    @Test
    void sqlFunctionsGiveTheScoreJobsResults() {
        spark = session();
        FaceMaskFunctions.register(spark, model.toString());
        Map<String, Row> job = jobRows(scores);
        spark.read().format("binaryFile").load(images.toString()).createOrReplaceTempView("photos");
        List<Row> rows = spark.sql("SELECT path, mask_label(content) AS label, mask_scores(content) AS scores, "
                + "mask_error(content) AS error FROM photos").collectAsList();
        assertEquals(job.size(), rows.size());
        for (Row r : rows) {
            Row expected = job.get(r.getString(0));
            assertEquals((Object) expected.getAs("label"), r.getAs("label"), r.getString(0));
            if (expected.getAs("error") != null) {
                assertNull(r.getAs("scores"));
                assertTrue(r.<String>getAs("error").startsWith("not_an_image"), r.<String>getAs("error"));
                continue;
            }
            assertNull(r.getAs("error"));
            Row p = r.getAs("scores");
            assertEquals((float) expected.getAs("p_with_mask"), (float) p.getAs("p_with_mask"), 1e-6);
            assertEquals((float) expected.getAs("p_without_mask"), (float) p.getAs("p_without_mask"), 1e-6);
        }

        Map<String, Row> jobFaces = jobRows(faceScores);
        spark.read().format("binaryFile").load(photos.toString()).createOrReplaceTempView("group_photos");
        List<Row> photoRows = spark.sql("SELECT path, mask_faces(content) AS faces FROM group_photos").collectAsList();
        int faces = 0;
        for (Row r : photoRows) {
            List<Row> found = r.getList(1);
            if (r.getString(0).endsWith("landscape.png")) {
                assertEquals(List.of(), found);
                continue;
            }
            assertEquals(3, found.size());
            for (Row face : found) {
                Row expected = jobFaces.get(r.getString(0) + "#" + face.getAs("face_index"));
                for (String c : List.of("box_x", "box_y", "box_w", "box_h", "face_confidence", "label")) {
                    assertEquals((Object) expected.getAs(c), face.getAs(c), c);
                }
                assertEquals((float) expected.getAs("p_with_mask"), (float) face.<Row>getAs("scores").getAs("p_with_mask"), 1e-6);
                faces++;
            }
        }
        assertEquals(3, faces);
    }

    /** spark.sql.extensions in a fresh session: plain SQL, no registration code; a missing model key is named. */
    @Test
    void theExtensionGivesEverySessionTheFunctions() {
        spark = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false")
                .config("spark.sql.extensions", FaceMaskExtensions.class.getName())
                .config(FaceMaskFunctions.MODEL_CONF, model.toString()).getOrCreate();
        Map<String, Row> job = jobRows(scores);
        List<Row> rows = spark.sql("SELECT path, mask_label(content) FROM binaryFile.`" + images + "`").collectAsList();
        assertEquals(job.size(), rows.size());
        rows.forEach(r -> assertEquals((Object) job.get(r.getString(0)).getAs("label"), r.get(1), r.getString(0)));
        spark.stop();

        spark = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false")
                .config("spark.sql.extensions", FaceMaskExtensions.class.getName()).getOrCreate();
        Exception e = assertThrows(Exception.class,
                () -> spark.sql("SELECT mask_label(content) FROM binaryFile.`" + images + "`").collect());
        assertTrue(String.valueOf(e.getMessage()).contains(FaceMaskFunctions.MODEL_CONF), e.toString());
    }

    /** The README's Java snippet, run as written there (the lines between the markers are the README's). */
    @Test
    void readmeJavaSnippet() throws Exception {
        spark = session();
        String imagesDir = images.toString();
        String modelDir = model.toString();
        String pipelineDir = tmp.resolve("readme pipeline").toString();
        // README begin
        Dataset<Row> photos = spark.read().format("binaryFile").load(imagesDir);
        FaceMaskModel mask = FaceMaskModel.load(modelDir).setClassColumns(true);
        mask.transform(photos).select("path", "label", "p_with_mask", "error").show(false);
        PipelineModel pipeline = new Pipeline().setStages(new PipelineStage[]{mask}).fit(photos);
        pipeline.write().overwrite().save(pipelineDir);
        PipelineModel.load(pipelineDir).transform(photos).select("path", "label").show(false);
        // README end
        assertEquals(14, PipelineModel.load(pipelineDir).transform(photos).count());
        String source = Files.readString(Path.of("src/test/java/org/facemask/spark/FaceMaskModelTest.java"));
        String snippet = source.substring(source.indexOf("// README begin\n") + "// README begin\n".length(),
                source.indexOf("        // README end"));
        String readme = Files.readString(Path.of("README.md"));
        assertTrue(readme.contains("```java\n" + snippet.replaceAll("(?m)^ {8}", "") + "```"),
                "README's Java snippet is not the one this test runs:\n" + snippet);
    }

    /**
     * The README's Scala snippet as written there, compiled by the Scala 2.12 compiler (the one spark-shell runs) and
     * run on this test's images and model, with {@code spark} bound as spark-shell binds it.
     */
    @Test
    void readmeScalaSnippet() throws Exception {
        spark = session();
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("```scala\n") + "```scala\n".length();
        String snippet = readme.substring(start, readme.indexOf("```", start));
        String imagesLiteral = "\"/data/cams/2026-12-01\"";
        String modelLiteral = "\"/models/facemask\"";
        assertTrue(snippet.contains(imagesLiteral) && snippet.contains(modelLiteral), snippet);
        String code = "(spark: org.apache.spark.sql.SparkSession, out: java.io.OutputStream) => "
                + "scala.Console.withOut(out) {\n" + snippet.replace(imagesLiteral, scalaString(images))
                .replace(modelLiteral, scalaString(model)) + "}";
        scala.reflect.api.JavaUniverse.JavaMirror mirror = scala.reflect.runtime.package$.MODULE$.universe()
                .runtimeMirror(getClass().getClassLoader());
        @SuppressWarnings("rawtypes") // a Scala path-dependent type has no Java spelling
        scala.tools.reflect.ToolBox compiler = scala.tools.reflect.package$.MODULE$.ToolBox(mirror)
                .mkToolBox(scala.tools.reflect.package$.MODULE$.mkSilentFrontEnd(), "");
        @SuppressWarnings("unchecked")
        scala.Function2<SparkSession, java.io.OutputStream, Object> run =
                (scala.Function2<SparkSession, java.io.OutputStream, Object>) compiler.eval(compiler.parse(code));
        java.io.ByteArrayOutputStream shown = new java.io.ByteArrayOutputStream();
        run.apply(spark, shown);
        String table = shown.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(table.contains("|path") && table.contains("|face_index|box_x") && table.contains("|label"), table);
        // one row per face, as show() prints them: at most 20, every one a photo of the input
        long faces = FaceMaskModel.load(model.toString()).setFaces(true)
                .transform(spark.read().format("binaryFile").load(images.toString())).count();
        List<String> rows = table.lines().filter(l -> l.startsWith("|file:")).toList();
        assertEquals(Math.min(20, faces), rows.size(), table);
        try (java.util.stream.Stream<Path> files = Files.list(images)) {
            List<String> names = files.map(f -> f.getFileName().toString()).toList();
            rows.forEach(r -> assertTrue(names.stream().anyMatch(n -> r.split("\\|")[1].trim().endsWith("/" + n)), r));
        }
    }

    private static String scalaString(Path path) {
        return "\"" + path.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
