package org.facemask.job;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.facemask.prepare.PrepareSummary;
import org.facemask.samples.SyntheticFaces;
import org.facemask.testing.Shell;
import org.facemask.testing.TestImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The prepare job end to end, through the same entry point submit.sh calls, on a messy folder tree. */
class PrepareJobTest {
    @TempDir
    static Path tmp;
    static Path input;
    /** file name relative to the input -> expected reject reason, or "" for an image that must be accepted */
    static final Map<String, String> EXPECTED = new TreeMap<>();

    @BeforeAll
    static void makeMessyInput() throws Exception {
        input = tmp.resolve("in put");
        SyntheticFaces faces = new SyntheticFaces(3);
        for (String label : new String[]{"with_mask", "without_mask"}) {
            for (int i = 0; i < 14; i++) {
                write(label + "/face_" + i + ".jpg", TestImages.encode(faces.draw(label.equals("with_mask"), 120), "jpg"), "");
            }
        }
        BufferedImage face = faces.draw(true, 150);
        BufferedImage argb = new BufferedImage(150, 150, BufferedImage.TYPE_INT_ARGB);
        argb.getGraphics().drawImage(face, 0, 0, null);
        write("with_mask/alpha.png", TestImages.encode(argb, "png"), "");
        write("with_mask/photo.webp", TestImages.webp(faces.draw(true, 140)), "");
        write("with_mask/anim.gif", TestImages.encode(faces.draw(true, 100), "gif"), "");
        write("with_mask/old.bmp", TestImages.encode(faces.draw(true, 90), "bmp"), "");
        write("with_mask/photo with spaces (1).jpg", TestImages.encode(faces.draw(true, 130), "jpg"), "");
        write("with_mask/masqué 日本.jpeg", TestImages.encode(faces.draw(true, 110), "jpg"), "");
        write("with_mask/batch 2/nested.JPG", TestImages.encode(faces.draw(true, 100), "jpg"), "");
        write("with_mask/webp named.jpg_1088Wx1632H", TestImages.webp(faces.draw(true, 100)), "");
        // the same bytes again in the same class: a duplicate; the original has the shorter name and is kept
        write("with_mask/face_0 copy.jpg", Files.readAllBytes(input.resolve("with_mask/face_0.jpg")), "duplicate");
        // the same bytes in two classes: nobody knows the label
        byte[] ambiguous = TestImages.encode(faces.draw(false, 100), "png");
        write("with_mask/ambiguous.png", ambiguous, "conflicting_label");
        write("without_mask/ambiguous.png", ambiguous, "conflicting_label");
        write("without_mask/empty.jpg", new byte[0], "empty_file");
        write("without_mask/cut.jpg", TestImages.truncated(TestImages.encode(faces.draw(false, 200), "jpg"), 0.5), "corrupt");
        write("without_mask/notes.jpg", "not an image\n".getBytes(StandardCharsets.UTF_8), "not_an_image");
        write("without_mask/.DS_Store", new byte[]{0, 0, 0, 1, 'B', 'u', 'd', '1'}, "hidden");
        // issue 16: a notebook's checkpoint folder is no class, a hidden folder inside a class is one entry
        write(".ipynb_checkpoints/face_0-checkpoint.jpg", TestImages.encode(faces.draw(true, 70), "jpg"), null);
        EXPECTED.put(".ipynb_checkpoints", "hidden");
        write("with_mask/.thumbs/face_1.jpg", TestImages.encode(faces.draw(true, 71), "jpg"), null);
        EXPECTED.put("with_mask/.thumbs", "hidden");
        // names a URI parser stumbles on are read like any other
        write("without_mask/cam:01 12:30.jpg", TestImages.encode(faces.draw(false, 121), "jpg"), "");
        write("without_mask/100% #1?.png", TestImages.encode(faces.draw(false, 122), "png"), "");
        // a name whose bytes are not UTF-8 (Latin-1 e-acute) is named, escaped, not dropped
        Shell.run("printf x > \"$(printf '%s/with_mask/caf\\351.jpg' \"$1\")\"", input.toString());
        EXPECTED.put("with_mask/caf%E9.jpg", "unreadable_name");
        // a FIFO is never opened (it would block forever), a broken link is no file, a loop is followed once
        Shell.run("mkfifo \"$1/without_mask/pipe.jpg\"", input.toString());
        EXPECTED.put("without_mask/pipe.jpg", "not_a_regular_file");
        Files.createSymbolicLink(input.resolve("without_mask/gone.jpg"), input.resolve("nowhere.jpg"));
        EXPECTED.put("without_mask/gone.jpg", "not_a_regular_file");
        Files.createSymbolicLink(input.resolve("with_mask/batch 2/up"), Path.of(".."));
        EXPECTED.put("with_mask/batch 2/up", "symlink_loop");
        // 35 bytes: a 16x16 screen whose frame declares 40000x40000 (1.6 GB for the JDK's reader)
        write("without_mask/bomb.gif", TestImages.gifWithFrames(16, new int[]{40000, 40000}), "too_many_pixels");
        write("without_mask/huge.png", TestImages.encode(faces.draw(false, 400), "png"), "too_many_pixels");
        write("README.txt", "faces\n".getBytes(StandardCharsets.UTF_8), "no_class_folder");
    }

    /** @param expected null for a file that is no entry of its own (inside a hidden folder) */
    private static void write(String relative, byte[] bytes, String expected) throws Exception {
        Path p = input.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.write(p, bytes);
        if (expected != null) {
            EXPECTED.put(relative, expected);
        }
    }


    static JobRunner.Outcome runMain(String... args) {
        return JobRunner.run(args);
    }

    static JobRunner.Outcome prepare(Path output, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("prepare",
                "spark.master=local[2]", "spark.conf.\"spark.ui.enabled\"=false",
                "image.max-pixels=90000", "image.size=64",
                "prepare.input=" + input, "prepare.output=" + output));
        args.addAll(List.of(extra));
        return runMain(args.toArray(String[]::new));
    }

    /** Path of a file relative to the input folder, from the URI-ish path Hadoop reports. */
    private static String relative(String path) {
        String root = "file:" + input.toAbsolutePath() + "/";
        assertTrue(path.startsWith(root), path);
        return path.substring(root.length());
    }

    private static Map<String, String> splitsOf(SparkSession spark, Path output) {
        return spark.read().parquet(output.resolve("images").toString()).collectAsList().stream()
                .collect(Collectors.toMap(r -> relative(r.getAs("path")), r -> r.getAs("split")));
    }

    /** A FIFO opened by mistake would block the run for ever: fail instead. */
    @Test
    @org.junit.jupiter.api.Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES,
            threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void everyFileEndsUpInImagesOrRejectsWithItsReason() throws Exception {
        Path out = tmp.resolve("out1");
        JobRunner.Outcome first = prepare(out);
        assertEquals(0, first.exitCode(), first.stderr());

        Path again = tmp.resolve("out2");
        JobRunner.Outcome second = prepare(again, "prepare.partitions=5");
        assertEquals(0, second.exitCode(), second.stderr());

        try (SparkSession spark = SparkSession.builder().master("local[1]")
                .config("spark.ui.enabled", "false").getOrCreate()) {
            List<Row> images = spark.read().parquet(out.resolve("images").toString()).collectAsList();
            List<Row> rejects = spark.read().parquet(out.resolve("rejects").toString()).collectAsList();
            Map<String, String> outcome = new HashMap<>();
            for (Row r : images) {
                assertEquals(null, outcome.put(relative(r.getAs("path")), ""), "image listed twice");
                assertEquals(64 * 64 * 3, ((byte[]) r.getAs("pixels")).length);
                String rel = relative(r.getAs("path"));
                assertEquals(rel.substring(0, rel.indexOf('/')), r.getAs("label"), rel);
            }
            for (Row r : rejects) {
                assertEquals(null, outcome.put(relative(r.getAs("path")), r.getAs("reason")), "reject listed twice");
                assertTrue(r.getAs("detail") != null);
            }
            assertEquals(EXPECTED, new TreeMap<>(outcome));

            Row webp = images.stream().filter(r -> relative(r.getAs("path")).equals("with_mask/photo.webp"))
                    .findFirst().orElseThrow();
            assertEquals("webp", webp.getAs("format"));
            assertEquals(140, (int) webp.getAs("width"));

            // no content in two splits, and none of the kept images twice
            Set<String> hashes = new HashSet<>();
            images.forEach(r -> assertTrue(hashes.add(r.getAs("sha256")), "content kept twice"));

            // the same split on a second run with another partitioning
            assertEquals(splitsOf(spark, out), splitsOf(spark, again));
        }

        PrepareSummary summary = ((PrepareAction.Result) first.result()).summary();
        // what the job returned is what summary.json says
        assertEquals(summary, PrepareSummary.fromJson(Files.readString(out.resolve("summary.json"))));
        long accepted = EXPECTED.values().stream().filter(String::isEmpty).count();
        assertEquals(EXPECTED.size(), summary.files());
        assertEquals(accepted, summary.accepted());
        assertEquals(EXPECTED.size() - accepted, summary.rejected());
        assertEquals(1, summary.duplicates());
        assertEquals(3, summary.rejectedByReason().get("hidden"));
        assertEquals(List.of("with_mask", "without_mask"), summary.classes());
        long inSplits = 0;
        for (String split : new String[]{"train", "val", "test"}) {
            for (String label : new String[]{"with_mask", "without_mask"}) {
                inSplits += summary.splits().get(split).get(label);
            }
        }
        assertEquals(accepted, inSplits);
        // 22 accepted with_mask images: 15 / 5 / 2 (rounded 70/20/10 per class)
        assertEquals(15, summary.splits().get("train").get("with_mask"));
        assertEquals(5, summary.splits().get("val").get("with_mask"));
    }

    @Test
    void existingOutputIsRefusedBeforeSparkStartsUnlessOverwrite() throws Exception {
        Path out = tmp.resolve("taken");
        JobRunner.Outcome first = prepare(out);
        assertEquals(0, first.exitCode(), first.stderr());
        JobRunner.Outcome refused = prepare(out);
        assertEquals(2, refused.exitCode());
        assertTrue(refused.stderr().contains("prepare.output") && refused.stderr().contains("prepare.overwrite=true"),
                refused.stderr());
        assertTrue(Files.exists(out.resolve("summary.json")));
    }

    /** Issue #16 row 3: overwrite replaces only an earlier prepare output, never a folder of someone's files. */
    @Test
    void overwriteRefusesAFolderOfUnrelatedFilesAndKeepsThem() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("home"));
        Files.writeString(out.resolve("keep.txt"), "precious");
        Files.createDirectories(out.resolve("photos 2019"));
        JobRunner.Outcome refused = prepare(out, "prepare.overwrite=true");
        assertEquals(2, refused.exitCode());
        assertTrue(refused.stderr().contains("prepare.output") && refused.stderr().contains(out.toString())
                && refused.stderr().contains("keep.txt, photos 2019"), refused.stderr());
        assertEquals("precious", Files.readString(out.resolve("keep.txt")));
        assertTrue(Files.isDirectory(out.resolve("photos 2019")));
    }

    /**
     * Issue #16 row 1: prepare.output=file:/d with prepare.input=/d/data deleted /d, input included: the check
     * compared strings. Every spelling of a folder holding the input is refused before anything is deleted.
     */
    @Test
    void anOutputHoldingTheInputIsRefusedWhateverItsSpelling() throws Exception {
        Path d = tmp.resolve("d");
        Path data = d.resolve("data");
        new SyntheticFaces(8).writeDataset(data, 2);
        long files;
        try (java.util.stream.Stream<Path> all = Files.walk(d)) {
            files = all.count();
        }
        for (String spelling : List.of("file:" + d, "file://" + d, "file://localhost" + d, d + "/", data + "/..",
                data.toString(), "file:" + data + "/out")) {
            JobRunner.Outcome refused = runMain("prepare", "spark.master=local[1]", "prepare.input=" + data,
                    "prepare.output=" + spelling, "prepare.overwrite=true");
            assertEquals(2, refused.exitCode(), spelling + ": " + refused.stderr());
            assertTrue(refused.stderr().contains("prepare.output") && refused.stderr().contains("prepare.input"),
                    refused.stderr());
            try (java.util.stream.Stream<Path> all = Files.walk(d)) {
                assertEquals(files, all.count(), "nothing deleted or added under " + d);
            }
        }
    }

    @Test
    void badInputsFailFastNamingTheKey() {
        JobRunner.Outcome missing = prepare(tmp.resolve("o"), "prepare.input=" + tmp.resolve("no such dir"));
        assertEquals(2, missing.exitCode());
        assertTrue(missing.stderr().contains("prepare.input") && missing.stderr().contains("no such dir"),
                missing.stderr());
        JobRunner.Outcome nested = prepare(input.resolve("with_mask/out"));
        assertEquals(2, nested.exitCode());
        assertTrue(nested.stderr().contains("sits inside prepare.input"), nested.stderr());
        JobRunner.Outcome unknownJob = runMain("prepair");
        assertEquals(2, unknownJob.exitCode());
        assertTrue(unknownJob.stderr().contains("unknown job 'prepair'"), unknownJob.stderr());
        JobRunner.Outcome scheme = prepare(tmp.resolve("o"), "prepare.input=nosuchfs://bucket/x");
        assertEquals(2, scheme.exitCode());
        assertTrue(scheme.stderr().contains("prepare.input"), scheme.stderr());
    }

    /** A one-class input (a notebook's checkpoint folder is no second class) is refused before Spark starts. */
    @Test
    void oneClassIsRefusedBeforeSparkNamingTheInputAndTheClassFound() throws Exception {
        Path oneClass = tmp.resolve("one-class");
        SyntheticFaces faces = new SyntheticFaces(8);
        for (String folder : new String[]{"with_mask", ".ipynb_checkpoints"}) {
            Files.createDirectories(oneClass.resolve(folder));
            Files.write(oneClass.resolve(folder + "/a.jpg"), TestImages.encode(faces.draw(true, 80), "jpg"));
        }
        Path out = tmp.resolve("one-class-out");
        JobRunner.Outcome refused = prepare(out, "prepare.input=" + oneClass);
        assertEquals(2, refused.exitCode(), refused.stderr());
        assertTrue(refused.stderr().contains("prepare.input " + oneClass.toUri().toString().replaceAll("/$", ""))
                && refused.stderr().contains("1 class folder(s) with files [with_mask]"), refused.stderr());
        assertFalse(Files.exists(out));
    }

    /** Two class folders, but one holds no decodable image: refused after decoding, before anything is written. */
    @Test
    void aClassWithoutADecodableImageFailsBeforeAnythingIsWritten() throws Exception {
        Path twoFolders = tmp.resolve("one-decodable-class");
        SyntheticFaces faces = new SyntheticFaces(9);
        Files.createDirectories(twoFolders.resolve("with_mask"));
        for (int i = 0; i < 3; i++) {
            Files.write(twoFolders.resolve("with_mask/" + i + ".jpg"), TestImages.encode(faces.draw(true, 80 + i), "jpg"));
        }
        Files.createDirectories(twoFolders.resolve("without_mask"));
        Files.writeString(twoFolders.resolve("without_mask/notes.jpg"), "not an image");
        Path out = tmp.resolve("one-decodable-out");
        JobRunner.Outcome failed = prepare(out, "prepare.input=" + twoFolders);
        assertEquals(1, failed.exitCode(), failed.stderr());
        assertTrue(failed.stderr().contains("only 1 class(es) hold decodable images [with_mask]")
                && failed.stderr().contains("not_an_image=1"), failed.stderr());
        assertFalse(Files.exists(out));
    }

    /**
     * The output is replaced only once decoding and planning succeeded: a re-run with prepare.overwrite=true that
     * fails while decoding leaves the earlier output as it was (and moving the replacement earlier breaks this).
     */
    @Test
    void aRerunThatFailsWhileDecodingLeavesTheEarlierOutputAsItWas() throws Exception {
        Path good = tmp.resolve("good-input");
        new SyntheticFaces(10).writeDataset(good, 3);
        Path out = tmp.resolve("kept-out");
        JobRunner.Outcome first = prepare(out, "prepare.input=" + good);
        assertEquals(0, first.exitCode(), first.stderr());
        String summary = Files.readString(out.resolve("summary.json"));
        List<String> before;
        try (java.util.stream.Stream<Path> all = Files.walk(out)) {
            before = all.map(p -> out.relativize(p).toString()).sorted().toList();
        }

        Path bad = tmp.resolve("one-decodable-rerun");
        Files.createDirectories(bad.resolve("with_mask"));
        Files.write(bad.resolve("with_mask/a.jpg"), TestImages.encode(new SyntheticFaces(11).draw(true, 80), "jpg"));
        Files.createDirectories(bad.resolve("without_mask"));
        Files.writeString(bad.resolve("without_mask/notes.jpg"), "not an image");
        JobRunner.Outcome failed = prepare(out, "prepare.input=" + bad, "prepare.overwrite=true");
        assertEquals(1, failed.exitCode(), failed.stderr());
        assertTrue(failed.stderr().contains("only 1 class(es) hold decodable images"), failed.stderr());
        assertEquals(summary, Files.readString(out.resolve("summary.json")));
        try (java.util.stream.Stream<Path> all = Files.walk(out)) {
            assertEquals(before, all.map(p -> out.relativize(p).toString()).sorted().toList());
        }
    }

    /** The pipeline checks every stage's output against every input, model and earlier output before Spark starts. */
    @Test
    void thePipelineRefusesOverlappingOutputsBeforeSparkStarts() {
        Path p = tmp.resolve("pipe/prepared");
        Path m = tmp.resolve("pipe/model");
        for (String[] clash : new String[][]{
                {"evaluate.output=file://localhost" + m + "/", "evaluate.output"},
                {"train.output=" + p + "/model", "train.output"},
                {"evaluate.output=" + input.resolve("eval"), "prepare.input"}}) {
            JobRunner.Outcome refused = runMain("pipeline", "spark.master=local[1]", "model.base.weights=none",
                    "prepare.input=" + input, "prepare.output=" + p, "train.input=" + p, "train.output=" + m,
                    "evaluate.model=" + m, "evaluate.input=" + p, "evaluate.output=" + tmp.resolve("pipe/eval"), clash[0]);
            assertEquals(2, refused.exitCode(), clash[0] + ": " + refused.stderr());
            assertTrue(refused.stderr().contains(clash[1]) && refused.stderr().contains("an output must not"), refused.stderr());
        }
        assertTrue(!Files.exists(tmp.resolve("pipe")), "nothing written");
    }

    /** Row 14: a secret in an s3a:// URI was echoed; it is refused, masked, and the right settings named. */
    @Test
    void credentialsInAUriAreRefusedWithoutEchoingThem() {
        JobRunner.Outcome refused = prepare(tmp.resolve("o"), "prepare.input=s3a://AKIAIOSFODNN7:wJalrXUtnFEMI/K7MDENG@bucket/faces");
        assertEquals(2, refused.exitCode());
        assertTrue(!refused.stderr().contains("wJalrXUtnFEMI") && !refused.stderr().contains("K7MDENG"), refused.stderr());
        assertTrue(refused.stderr().contains("prepare.input") && refused.stderr().contains("fs.s3a.access.key"), refused.stderr());
    }

    /** file:// and file://localhost/ URIs work as well as plain paths (row 14: localhost gave a raw stack trace). */
    @Test
    void aFileOnlyUriWorksAsWellAsAPath() {
        URI asUri = URI.create("file://localhost" + input.toUri().getRawPath());
        JobRunner.Outcome ok = runMain("prepare", "spark.master=local[1]", "spark.conf.\"spark.ui.enabled\"=false",
                "image.size=32", "prepare.input=" + asUri, "prepare.output=" + tmp.resolve("uri-out").toUri(),
                "image.max-pixels=90000");
        assertEquals(0, ok.exitCode(), ok.stderr());
        assertTrue(Files.exists(tmp.resolve("uri-out/summary.json")));
    }
}
