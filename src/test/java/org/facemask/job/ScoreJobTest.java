package org.facemask.job;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.facemask.config.ImageSettings;
import org.facemask.image.ImageLoader;
import org.facemask.model.Dl4jModel;
import org.facemask.model.ModelDirectory;
import org.facemask.model.ModelMetadata;
import org.facemask.samples.SyntheticFaces;
import org.facemask.storage.Json;
import org.facemask.testing.FaceCollage;
import org.facemask.testing.LogLines;
import org.facemask.testing.SharedFiles;
import org.facemask.testing.Shell;
import org.facemask.testing.StreamedZip;
import org.facemask.testing.TestImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.apache.spark.sql.functions.col;
import static org.facemask.job.FeaturizeJobTest.sparkArgs;
import static org.facemask.job.PrepareJobTest.runMain;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** score end to end in local mode: folders, zip and tar.gz archives, bad files, re-runs, increments, a killed run. */
class ScoreJobTest {
    @TempDir
    static Path tmp;
    static Path model;
    static Path input;
    static Path output;
    static final Map<String, byte[]> IMAGES = new HashMap<>();
    static final Set<String> BAD = Set.of("empty.jpg", "notes.jpg", "cut.jpg");

    @BeforeAll
    static void trainAndMakeInput() throws Exception {
        Path faces = tmp.resolve("faces");
        new SyntheticFaces(31).writeDataset(faces, 20);
        Path prepared = tmp.resolve("prepared");
        assertEquals(0, runMain(sparkArgs("prepare", "prepare.input=" + faces, "prepare.output=" + prepared)).exitCode());
        model = tmp.resolve("model");
        JobRunner.Outcome t = runMain(sparkArgs("train", "train.input=" + prepared, "train.output=" + model,
                "model.base.weights=" + SharedFiles.weights035(), "train.epochs=2",
                "train.augment.copies=0", "train.fine-tune.blocks=0")); // a model to score: the head alone will do
        assertEquals(0, t.exitCode(), t.stderr());

        input = tmp.resolve("archive in");
        output = tmp.resolve("scores");
        SyntheticFaces draw = new SyntheticFaces(77);
        Files.createDirectories(input.resolve("cam 1"));
        for (int i = 0; i < 4; i++) {
            byte[] img = TestImages.encode(draw.draw(i % 2 == 0, 100), i % 2 == 0 ? "jpg" : "png");
            Files.write(input.resolve("cam 1/photo" + i + (i % 2 == 0 ? ".jpg" : ".png")), img);
            IMAGES.put("cam 1/photo" + i + (i % 2 == 0 ? ".jpg" : ".png"), img);
        }
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(zip)) {
            z.putNextEntry(new ZipEntry("day/"));
            for (int i = 0; i < 3; i++) {
                byte[] img = TestImages.encode(draw.draw(i == 0, 90), "jpg");
                z.putNextEntry(new ZipEntry("day/z" + i + ".jpg"));
                z.write(img);
                IMAGES.put("batch.zip!/day/z" + i + ".jpg", img);
            }
        }
        Files.write(input.resolve("batch.zip"), zip.toByteArray());
        try (OutputStream tgz = new GZIPOutputStream(Files.newOutputStream(input.resolve("more.tar.gz")));
             org.apache.commons.compress.archivers.tar.TarArchiveOutputStream tar =
                     new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(tgz)) {
            for (int i = 0; i < 2; i++) {
                byte[] img = TestImages.encode(draw.draw(i == 1, 80), "png");
                org.apache.commons.compress.archivers.tar.TarArchiveEntry e =
                        new org.apache.commons.compress.archivers.tar.TarArchiveEntry("t" + i + ".png");
                e.setSize(img.length);
                tar.putArchiveEntry(e);
                tar.write(img);
                tar.closeArchiveEntry();
                IMAGES.put("more.tar.gz!/t" + i + ".png", img);
            }
        }
        Files.write(input.resolve("empty.jpg"), new byte[0]);
        Files.writeString(input.resolve("notes.jpg"), "not an image");
        Files.write(input.resolve("cut.jpg"), TestImages.truncated(TestImages.encode(draw.draw(true, 150), "jpg"), 0.5));
    }

    static JobRunner.Outcome score(String date, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of(sparkArgs("score", "score.model=" + model,
                "score.input=" + input, "score.output=" + output, "score.run-date=" + date)));
        args.addAll(List.of(extra));
        return runMain(args.toArray(String[]::new));
    }

    private static String relative(String path) {
        String p = path.replace("file:", "");
        int at = p.indexOf(input.toString());
        assertTrue(at >= 0, path);
        return p.substring(at + input.toString().length() + 1);
    }

    /** Main.run closes the session it used, so every look at the output gets a session of its own. */
    static <T> T read(java.util.function.Function<SparkSession, T> query) {
        try (SparkSession spark = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false").getOrCreate()) {
            return query.apply(spark);
        }
    }

    static List<Row> partition(String date) {
        return readOutput(output, date);
    }

    static List<Row> readOutput(Path scores, String date) {
        return read(spark -> spark.read().parquet(scores.toString()).where(col("run_date").equalTo(date)).collectAsList());
    }

    @Test
    void oneRowPerImageAcrossRerunsIncrementsAndAKilledRun() throws Exception {
        JobRunner.Outcome first = score("2026-11-01");
        assertEquals(0, first.exitCode(), first.stderr());
        List<Row> rows = partition("2026-11-01");
        assertEquals(IMAGES.size() + BAD.size(), rows.size());
        Set<String> seen = new HashSet<>();
        ComputationGraph reference = ModelDirectory.open("m", model.toUri(), new Configuration()).loadNetwork(new Configuration());
        Dl4jModel dl4j = new Dl4jModel(reference, 96);
        ImageLoader loader = new ImageLoader(new ImageSettings(96, 40_000_000));
        for (Row r : rows) {
            String rel = relative(r.getAs("path"));
            assertTrue(seen.add(rel), "twice: " + rel);
            assertNotNull(r.getAs("model_version"));
            assertNotNull(r.getAs("scored_at"));
            if (BAD.contains(rel)) {
                assertNotNull(r.getAs("error"), rel);
                assertNull(r.getAs("label"), rel);
                assertNull(r.getAs("p_with_mask"), rel);
                continue;
            }
            assertNull(r.getAs("error"), rel + ": " + r.getAs("error"));
            float pWith = r.getAs("p_with_mask");
            float pWithout = r.getAs("p_without_mask");
            assertEquals(1.0, pWith + pWithout, 1e-5);
            // the same pixels and probabilities as the evaluate path (decoder + DL4J reference network)
            float[] expected = dl4j.run(List.of(loader.load(IMAGES.get(rel)).pixels().rgb()))[0];
            assertEquals(expected[0], pWith, 1e-4, rel);
            assertEquals(expected[0] >= expected[1] ? "with_mask" : "without_mask", r.getAs("label"), rel);
        }
        assertTrue(((String) rows.stream().filter(r -> relative(r.getAs("path")).equals("notes.jpg")).findFirst()
                .orElseThrow().getAs("error")).startsWith("not_an_image"));

        // the same date again: replaced, not appended
        assertEquals(0, score("2026-11-01").exitCode());
        assertEquals(rows.size(), partition("2026-11-01").size());

        // the next night: the new file, and the files whose rows had an error are tried again
        byte[] added = TestImages.encode(new SyntheticFaces(5).draw(false, 100), "jpg");
        Files.write(input.resolve("cam 1/new.jpg"), added);
        assertEquals(0, score("2026-11-02").exitCode());
        List<Row> second = partition("2026-11-02");
        Set<String> retried = new HashSet<>(BAD);
        retried.add("cam 1/new.jpg");
        assertEquals(retried, second.stream().map(r -> relative(r.getAs("path"))).collect(java.util.stream.Collectors.toSet()));

        // a run killed while writing leaves only staging behind; the re-run clears it and completes
        Path staging = Files.createDirectories(output.resolve("_staging/run_date=2026-11-03"));
        Files.write(staging.resolve("part-00000-killed.snappy.parquet"), new byte[]{'P', 'A', 'R', '1', 0, 0});
        assertEquals(0, score("2026-11-03", "score.incremental=false").exitCode());
        assertFalse(Files.exists(staging));
        List<Row> third = partition("2026-11-03");
        assertEquals(rows.size() + 1, third.size());
        assertEquals(rows.size() + 1, third.stream().map(r -> (String) r.getAs("path")).distinct().count());
        long files;
        try (java.util.stream.Stream<Path> list = Files.list(output.resolve("run_date=2026-11-03"))) {
            files = list.filter(p -> p.toString().endsWith(".parquet")).count();
        }
        assertEquals(1, files, "a handful of rows makes one file, not one per partition");
    }

    /**
     * Issue #22: train writes model.onnx, and score broadcasts it as written instead of exporting model.zip again;
     * a model directory written before train exported ONNX (no model.onnx, no record of it in metadata.json) is
     * exported when scored, says so, and scores the same.
     */
    @Test
    void scoreUsesTrainsModelOnnxAndAnOlderDirectoryWithoutItScoresTheSame() throws Exception {
        Path few = Files.createDirectories(tmp.resolve("onnx-input"));
        SyntheticFaces draw = new SyntheticFaces(8);
        for (int i = 0; i < 4; i++) {
            Files.write(few.resolve("f" + i + ".jpg"), TestImages.encode(draw.draw(i % 2 == 0, 120), "jpg"));
        }
        ObjectNode metadata = (ObjectNode) Json.read(Files.readString(model.resolve(ModelMetadata.FILE)));
        assertTrue(metadata.has("onnx") && Files.isRegularFile(model.resolve(ModelDirectory.ONNX_FILE)), "train wrote it");
        Path older = Files.createDirectories(tmp.resolve("older-model"));
        Files.copy(model.resolve(ModelDirectory.MODEL_FILE), older.resolve(ModelDirectory.MODEL_FILE));
        metadata.remove("onnx");
        Files.writeString(older.resolve(ModelMetadata.FILE), Json.write(metadata));

        Map<Path, Map<String, Float>> scores = new HashMap<>();
        List<String> lines;
        try (LogLines log = LogLines.of(ModelDirectory.class)) {
            for (Path m : List.of(model, older)) {
                Path out = tmp.resolve("onnx-scores-" + m.getFileName());
                JobRunner.Outcome o = runMain(sparkArgs("score", "score.model=" + m, "score.input=" + few,
                        "score.output=" + out, "score.run-date=2026-11-20"));
                assertEquals(0, o.exitCode(), o.stderr());
                Map<String, Float> pWith = new HashMap<>();
                readOutput(out, "2026-11-20").forEach(r -> pWith.put(Path.of((String) r.getAs("path")).getFileName()
                        .toString(), r.getAs("p_with_mask")));
                scores.put(m, pWith);
            }
            lines = log.lines();
        }
        assertTrue(lines.stream().anyMatch(l -> l.contains(model.resolve(ModelDirectory.ONNX_FILE).toString())
                && l.contains("as train exported it")), lines.toString());
        List<String> exports = lines.stream().filter(l -> l.contains("exporting")).toList();
        assertEquals(1, exports.size(), lines.toString());
        assertTrue(exports.get(0).contains(older.toString()) && exports.get(0).contains("has no model.onnx"), exports.toString());
        assertEquals(4, scores.get(model).size());
        scores.get(model).forEach((file, p) -> assertEquals(p, scores.get(older).get(file), 1e-6, file));
    }

    /**
     * score.faces: a photo of three people gives three rows (face_index 0-2 left to right, boxes on the faces,
     * the detector and its model's sha256), a photo without faces one row with faces_found = 0; a re-run of the
     * night replaces them, the next night skips them. Incremental runs skip only what was scored the same way: the
     * photos scored whole the night before are scored per face, other faces settings score them again, and going
     * back to scoring whole finds the whole rows of the first night.
     */
    @Test
    void everyFaceOfAPhotoIsScoredAndAPhotoWithoutFacesKeepsItsRow() throws Exception {
        Path photos = Files.createDirectories(tmp.resolve("photos"));
        FaceCollage.Collage collage = FaceCollage.make();
        Files.write(photos.resolve("three people.jpg"), TestImages.encode(collage.image(), "jpg"));
        Files.write(photos.resolve("landscape.png"), TestImages.encode(FaceCollage.noFaces(), "png"));
        Path out = tmp.resolve("face scores");
        String yunet = SharedFiles.require("models/face-detectors/face_detection_yunet_2026may.onnx").toString();
        List<List<String>> nights = List.of(List.of("2026-11-23", "score.faces=false"),
                List.of("2026-11-24", "score.faces=true"), List.of("2026-11-24", "score.faces=true"),
                List.of("2026-11-25", "score.faces=true"), List.of("2026-11-26", "score.faces=true", "faces.flip=false"),
                List.of("2026-11-27", "score.faces=false"));
        for (List<String> night : nights) {
            List<String> args = new java.util.ArrayList<>(List.of("score.model=" + model, "score.input=" + photos,
                    "score.output=" + out, "score.run-date=" + night.get(0), "faces.model=" + yunet));
            args.addAll(night.subList(1, night.size()));
            JobRunner.Outcome o = runMain(sparkArgs("score", args.toArray(String[]::new)));
            assertEquals(0, o.exitCode(), o.stderr());
        }
        try (SparkSession s = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false").getOrCreate()) {
            // the night scored whole has no face columns: read with them merged in
            List<Row> rows = s.read().option("mergeSchema", "true").parquet(out.toString()).where("run_date = '2026-11-24'")
                    .orderBy("path", "face_index").collectAsList();
            assertEquals(4, rows.size(), "three faces and one photo without: " + rows);
            Row empty = rows.get(0);
            assertTrue(empty.getAs("path").toString().endsWith("landscape.png"));
            assertEquals(0, (int) empty.getAs("faces_found"));
            assertNull(empty.getAs("face_index"));
            assertNull(empty.getAs("label"));
            assertNull(empty.getAs("error"));
            for (int i = 0; i < 3; i++) {
                Row face = rows.get(1 + i);
                assertEquals(i, (int) face.getAs("face_index"));
                assertEquals(3, (int) face.getAs("faces_found"));
                double cx = (float) face.getAs("box_x") + (float) face.getAs("box_w") / 2;
                double cy = (float) face.getAs("box_y") + (float) face.getAs("box_h") / 2;
                var tile = collage.tiles().get(i);
                assertTrue(cx > tile.x() && cx < tile.x() + tile.w() && cy > tile.y() && cy < tile.y() + tile.h(),
                        "face " + i + " box centre (" + cx + ", " + cy + ") on " + tile);
                assertTrue((float) face.getAs("face_confidence") >= 0.5f);
                assertNotNull(face.getAs("label"));
                assertTrue(face.getAs("face_detector").toString().startsWith("yunet sha256:ebafce4e"));
                assertTrue(face.getAs("face_settings").toString().contains("flip=true"), face.toString());
            }
            assertEquals(0, s.read().parquet(out.toString()).where("run_date = '2026-11-25'").count(),
                    "the next night skips photos already scored");
            List<Row> unflipped = s.read().option("mergeSchema", "true").parquet(out.toString())
                    .where("run_date = '2026-11-26'").collectAsList();
            assertEquals(4, unflipped.size(), "other faces settings score the photos again");
            assertTrue(unflipped.get(0).getAs("face_settings").toString().contains("flip=false"));
            List<Row> whole = s.read().option("mergeSchema", "true").parquet(out.toString())
                    .where("run_date = '2026-11-27'").collectAsList();
            assertEquals(List.of(), whole, "back to scoring whole: the photos' whole rows of the first night count");
        }
    }

    /**
     * Issue 16: a symbolic-link loop gives one row per image, not one per turn of the loop; hidden files and folders
     * get no row; a name that is not UTF-8 gets a row naming its bytes instead of vanishing from the listing.
     */
    @Test
    @org.junit.jupiter.api.Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES,
            threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void everyListedEntryIsOneRowAndALoopIsFollowedOnce() throws Exception {
        Path odd = tmp.resolve("odd entries");
        Files.createDirectories(odd.resolve("cam/sub"));
        SyntheticFaces draw = new SyntheticFaces(12);
        Files.write(odd.resolve("cam/a.jpg"), TestImages.encode(draw.draw(true, 90), "jpg"));
        Files.write(odd.resolve("cam/sub/b.png"), TestImages.encode(draw.draw(false, 90), "png"));
        Files.createSymbolicLink(odd.resolve("cam/sub/up"), Path.of(".."));
        Files.write(odd.resolve("cam/.DS_Store"), new byte[]{0, 0, 0, 1});
        Files.createDirectories(odd.resolve(".ipynb_checkpoints"));
        Files.write(odd.resolve(".ipynb_checkpoints/a-checkpoint.jpg"), TestImages.encode(draw.draw(true, 91), "jpg"));
        Shell.run("printf x > \"$(printf '%s/cam/caf\\351.jpg' \"$1\")\"", odd.toString());
        Shell.run("mkfifo \"$1/cam/pipe.jpg\"", odd.toString());
        Files.write(odd.resolve("cam/12:30 #1.jpg"), TestImages.encode(draw.draw(false, 92), "jpg"));

        Path out = tmp.resolve("odd scores");
        JobRunner.Outcome o = runMain(sparkArgs("score", "score.model=" + model, "score.input=" + odd,
                "score.output=" + out, "score.run-date=2026-11-30"));
        assertEquals(0, o.exitCode(), o.stderr());
        Map<String, String> errors = new HashMap<>();
        read(spark -> spark.read().parquet(out.toString()).collectAsList()).forEach(r -> {
            String path = r.getAs("path");
            assertNull(errors.put(path.substring(path.indexOf("/cam/") + 1), String.valueOf((Object) r.getAs("error"))),
                    "twice: " + path);
        });
        assertEquals(Set.of("cam/a.jpg", "cam/sub/b.png", "cam/sub/up", "cam/caf%E9.jpg", "cam/pipe.jpg",
                "cam/12:30 #1.jpg"), errors.keySet());
        assertEquals("null", errors.get("cam/a.jpg"));
        assertEquals("null", errors.get("cam/sub/b.png"));
        assertEquals("null", errors.get("cam/12:30 #1.jpg"));
        assertTrue(errors.get("cam/sub/up").startsWith("symlink_loop: "), errors.get("cam/sub/up"));
        assertTrue(errors.get("cam/caf%E9.jpg").startsWith("unreadable_name: "), errors.get("cam/caf%E9.jpg"));
        assertTrue(errors.get("cam/pipe.jpg").startsWith("not_a_regular_file: FIFO"), errors.get("cam/pipe.jpg"));
    }

    /**
     * Archives as real writers make them: every entry a row of its own, whatever its neighbours are (issue 16 row 6);
     * an error is scored again the next night (row 7) while what was scored is skipped, in a folder named
     * {@code cam!} too (row 14); a tar's two entries of one name are two paths, its links are named (row 14).
     */
    @Test
    void everyArchiveEntryGetsItsRowAndErrorsAreScoredAgainTheNextNight() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("archives in/cam!"));
        Path out = tmp.resolve("archive scores");
        SyntheticFaces draw = new SyntheticFaces(123);
        byte[] a = TestImages.encode(draw.draw(true, 100), "jpg");
        byte[] b = TestImages.encode(draw.draw(false, 100), "png");
        byte[] wide = TestImages.encode(draw.draw(true, 300), "png");
        Files.write(in.resolve("p.jpg"), a);
        Files.write(in.resolve("large.png"), wide);
        Files.write(in.resolve("streamed.zip"), StreamedZip.write(List.of(StreamedZip.Entry.of("a.jpg", a),
                new StreamedZip.Entry("Grüße.png".getBytes(java.nio.charset.Charset.forName("IBM437")), b, 0),
                new StreamedZip.Entry("secret.jpg".getBytes(StandardCharsets.US_ASCII), a, StreamedZip.ENCRYPTED),
                StreamedZip.Entry.of("inner.zip", StreamedZip.write(List.of(StreamedZip.Entry.of("x.jpg", a)))),
                StreamedZip.Entry.of("after.jpg", b))));
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(in.resolve("links.tar")))) {
            for (Map.Entry<String, byte[]> e : List.of(Map.entry("x.jpg", a), Map.entry("x.jpg", b), Map.entry("wide.png", wide))) {
                TarArchiveEntry file = new TarArchiveEntry(e.getKey());
                file.setSize(e.getValue().length);
                tar.putArchiveEntry(file);
                tar.write(e.getValue());
                tar.closeArchiveEntry();
            }
            for (byte type : new byte[]{TarConstants.LF_SYMLINK, TarConstants.LF_LINK}) {
                TarArchiveEntry link = new TarArchiveEntry(type == TarConstants.LF_LINK ? "copy.jpg" : "latest.jpg", type);
                link.setLinkName("x.jpg");
                tar.putArchiveEntry(link);
                tar.closeArchiveEntry();
            }
        }
        ByteArrayOutputStream clean = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(clean)) {
            z.putNextEntry(new ZipEntry("c.jpg"));
            z.write(a);
        }
        Files.write(in.resolve("clean.zip"), clean.toByteArray());

        // the first night is short of memory: the wide image is over both limits
        Map<String, String> first = night(in, out, "2026-12-01", "image.max-pixels=20000",
                "score.max-entry-bytes=" + (wide.length - 1));
        Map<String, String> expected = new java.util.TreeMap<>(Map.ofEntries(Map.entry("p.jpg", ""),
                Map.entry("large.png", "too_many_pixels"),
                Map.entry("streamed.zip!/a.jpg", ""), Map.entry("streamed.zip!/Grüße.png", ""),
                Map.entry("streamed.zip!/secret.jpg", "not_scored: encrypted entry"),
                Map.entry("streamed.zip!/inner.zip", "not_scored: nested archive"), Map.entry("streamed.zip!/after.jpg", ""),
                Map.entry("links.tar!/x.jpg", ""), Map.entry("links.tar!/x.jpg#2", ""),
                Map.entry("links.tar!/wide.png", "too_large: entry of " + wide.length + " bytes"),
                Map.entry("links.tar!/latest.jpg", "not_scored: symbolic link to x.jpg"),
                Map.entry("links.tar!/copy.jpg", "not_scored: hard link to x.jpg"), Map.entry("clean.zip!/c.jpg", "")));
        assertEquals(expected, first);

        // the next night: the archives with an error row are read again, whole, and so is the file in error; the
        // files scored without error (the folder named "cam!" included) are skipped
        Map<String, String> second = night(in, out, "2026-12-02");
        expected.keySet().removeAll(List.of("p.jpg", "clean.zip!/c.jpg"));
        expected.putAll(Map.of("large.png", "", "links.tar!/wide.png", ""));
        assertEquals(expected, second);

        // the latest run decides: the file that failed on the first night and was scored on the second is done;
        // the archives still hold entries that are not scored (links, an encrypted entry), so they are read again
        Map<String, String> third = night(in, out, "2026-12-03");
        expected.remove("large.png");
        assertEquals(expected, third);
    }

    /** Scores {@code in} for the date: each row's path under {@code in}, with the start of its error ("" if none). */
    private static Map<String, String> night(Path in, Path out, String date, String... settings) {
        List<String> args = new java.util.ArrayList<>(List.of(sparkArgs("score", "score.model=" + model,
                "score.input=" + in, "score.output=" + out, "score.run-date=" + date)));
        args.addAll(List.of(settings));
        JobRunner.Outcome o = runMain(args.toArray(String[]::new));
        assertEquals(0, o.exitCode(), o.stderr());
        Map<String, String> rows = new java.util.TreeMap<>();
        for (Row r : read(spark -> spark.read().parquet(out.toString()).where(col("run_date").equalTo(date)).collectAsList())) {
            String path = r.getAs("path");
            String error = r.getAs("error");
            String key = path.substring(path.indexOf("cam!/") + "cam!/".length());
            String reason = error == null ? "" : error.startsWith("too_many_pixels") ? "too_many_pixels"
                    : error.replaceFirst(", over score.*", "");
            assertNull(rows.put(key, reason), "two rows of one path: " + path);
            assertEquals(error == null, r.getAs("label") != null, path + ": " + error);
        }
        return rows;
    }

    /**
     * Issue #16 rows 5, 12 and 13 through the job: a run that lists nothing, an output inside the input (spelt as
     * another URI), and a date another run holds leave the date's partition as it was.
     */
    @Test
    void aRunThatListsNothingOverlapsItsInputOrFindsTheDateLockedChangesNothing() throws Exception {
        Path few = Files.createDirectories(tmp.resolve("few"));
        Files.write(few.resolve("a.jpg"), TestImages.encode(new SyntheticFaces(3).draw(true, 90), "jpg"));
        Files.write(few.resolve("b.png"), TestImages.encode(new SyntheticFaces(4).draw(false, 90), "png"));
        Path out = tmp.resolve("guarded");
        String date = "2026-12-01";
        java.util.function.Function<String[], JobRunner.Outcome> scoreFew = extra -> {
            List<String> args = new java.util.ArrayList<>(List.of(sparkArgs("score", "score.model=" + model,
                    "score.output=" + out, "score.run-date=" + date)));
            args.addAll(List.of(extra));
            return runMain(args.toArray(String[]::new));
        };
        java.util.function.Supplier<Long> rows = () -> read(spark -> spark.read().parquet(out.toString())
                .where(col("run_date").equalTo(date)).count());
        JobRunner.Outcome first = scoreFew.apply(new String[]{"score.input=" + few});
        assertEquals(0, first.exitCode(), first.stderr());
        assertEquals(2L, rows.get());

        // row 5: a glob matching nothing replaced the night's rows with none, exit 0
        JobRunner.Outcome nothing = scoreFew.apply(new String[]{"score.input=" + few + "/nomatch*"});
        assertEquals(1, nothing.exitCode(), nothing.stderr());
        assertTrue(nothing.stderr().contains("lists no file") && nothing.stderr().contains("score.allow-empty=true"),
                nothing.stderr());
        assertEquals(2L, rows.get());

        // row 12: the output inside the input, as a file: URI of the input's folder
        JobRunner.Outcome inside = runMain(sparkArgs("score", "score.model=" + model, "score.input=" + few,
                "score.output=file:" + few + "/scores", "score.run-date=" + date));
        assertEquals(2, inside.exitCode(), inside.stderr());
        assertTrue(inside.stderr().contains("score.output") && inside.stderr().contains("sits inside score.input"),
                inside.stderr());
        assertFalse(Files.exists(few.resolve("scores")));

        // row 13: another run holds the date: this one stops at once, naming the lease and its owner
        Path lock = out.resolve("_locks/run_date=" + date + ".lock");
        Files.createDirectories(lock.getParent());
        Files.writeString(lock, "{\"run_id\": \"night-1\", \"host\": \"scheduler-7\", \"pid\": 4242, \"renewed_at\": \""
                + java.time.Instant.now() + "\"}");
        JobRunner.Outcome locked = scoreFew.apply(new String[]{"score.input=" + few, "score.incremental=false"});
        assertEquals(1, locked.exitCode(), locked.stderr());
        assertTrue(locked.stderr().contains(lock.toString()) && locked.stderr().contains("scheduler-7"), locked.stderr());
        assertTrue(Files.readString(lock).contains("night-1"), "another run's lease is left alone");
        assertEquals(2L, rows.get());
        Files.delete(lock);

        // an empty night that is expected: an empty partition, and the lease released
        JobRunner.Outcome allowed = scoreFew.apply(new String[]{"score.input=" + few + "/nomatch*", "score.allow-empty=true"});
        assertEquals(0, allowed.exitCode(), allowed.stderr());
        assertEquals(0L, rows.get());
        assertFalse(Files.exists(lock));
    }

    @Test
    void missingModelOrInputFailsFast() {
        JobRunner.Outcome noModel = runMain(sparkArgs("score", "score.model=" + tmp.resolve("nope"),
                "score.input=" + tmp, "score.output=" + tmp.resolve("o")));
        assertEquals(2, noModel.exitCode());
        assertTrue(noModel.stderr().contains("score.model"), noModel.stderr());
        JobRunner.Outcome noInput = runMain(sparkArgs("score", "score.model=" + model,
                "score.input=" + tmp.resolve("nothing here"), "score.output=" + tmp.resolve("o")));
        assertEquals(2, noInput.exitCode());
        assertTrue(noInput.stderr().contains("score.input"), noInput.stderr());
        JobRunner.Outcome badDate = runMain(sparkArgs("score", "score.model=" + model, "score.input=" + tmp,
                "score.output=" + tmp.resolve("o"), "score.run-date=yesterday"));
        assertEquals(2, badDate.exitCode());
        assertTrue(badDate.stderr().contains("score.run-date"), badDate.stderr());
    }
}
