package org.facemask.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.facemask.config.ImageSettings;
import org.facemask.config.StorageUri;
import org.facemask.detect.FaceBox;
import org.facemask.detect.FaceCrop;
import org.facemask.image.ImageDecoder;
import org.facemask.samples.SyntheticFaces;
import org.facemask.testing.TestImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * prepare over several sources at once: a folder-per-class tree and a Pascal VOC folder of photos with several
 * faces, each face cut out as per-face scoring cuts it, every item accounted for, no photo's faces in two splits.
 */
class PrepareSourcesTest {
    private static final int SIZE = 64;
    private static final double MARGIN = 0.15;
    @TempDir
    static Path tmp;
    static Path folders;
    static Path voc;
    /** VOC item (face path relative to images/, or a file relative to the VOC folder) -> reject reason, "" = kept */
    static final Map<String, String> EXPECTED_VOC = new TreeMap<>();
    /** photo name -> its annotated boxes, in annotation order */
    static final Map<String, List<FaceBox>> BOXES = new HashMap<>();

    @BeforeAll
    static void makeSources() throws Exception {
        SyntheticFaces faces = new SyntheticFaces(11);
        folders = tmp.resolve("folders");
        for (String label : new String[]{"with_mask", "without_mask"}) {
            Files.createDirectories(folders.resolve(label));
            for (int i = 0; i < 8; i++) {
                Files.write(folders.resolve(label + "/f" + i + ".png"),
                        TestImages.encode(faces.draw(label.equals("with_mask"), 90), "png"));
            }
        }
        voc = tmp.resolve("voc");
        Files.createDirectories(voc.resolve("images"));
        Files.createDirectories(voc.resolve("annotations"));
        for (int p = 0; p < 12; p++) {
            photo(faces, "crowd" + p, List.of(new Face("with_mask", 30, 40, 80, ""),
                    new Face("without_mask", 160, 60, 70, ""), new Face("with_mask", 280, 30, 90, "")));
        }
        photo(faces, "tiny", List.of(new Face("without_mask", 40, 40, 10, "face_too_small"),
                new Face("with_mask", 150, 50, 60, "")));
        photo(faces, "wrongly", List.of(new Face("mask_weared_incorrect", 40, 40, 70, "dropped_label"),
                new Face("without_mask", 200, 40, 70, "")));
        photo(faces, "outside", List.of(new Face("with_mask", 500, 500, 50, "bad_box")));
        photo(faces, "nobody", List.of());
        EXPECTED_VOC.put("images/nobody.jpg", "no_annotated_face");
        Files.write(voc.resolve("images/orphan.jpg"), TestImages.encode(faces.draw(true, 80), "jpg"));
        EXPECTED_VOC.put("images/orphan.jpg", "no_annotation");
        Files.writeString(voc.resolve("annotations/lonely.xml"), xml("lonely.jpg", List.of()));
        EXPECTED_VOC.put("annotations/lonely.xml", "no_photo");
        Files.write(voc.resolve("images/broken.jpg"), TestImages.encode(faces.draw(false, 80), "jpg"));
        Files.writeString(voc.resolve("annotations/broken.xml"), "<annotation><object>");
        EXPECTED_VOC.put("images/broken.jpg", "bad_annotation");
        Files.writeString(voc.resolve("annotations/notes.txt"), "labelled by hand");
        EXPECTED_VOC.put("annotations/notes.txt", "bad_annotation");
    }

    /** The rows of a Parquet folder; a session of its own, since each job closes the one it ran in. */
    private static List<Row> rows(Path parquet) {
        try (SparkSession spark = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false")
                .getOrCreate()) {
            return spark.read().parquet(parquet.toString()).collectAsList();
        }
    }

    private record Face(String label, int x, int y, int side, String expected) {
    }

    private static void photo(SyntheticFaces faces, String name, List<Face> people) throws Exception {
        BufferedImage photo = new BufferedImage(400, 200, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = photo.createGraphics();
        g.setColor(new Color(110, 120, 100));
        g.fillRect(0, 0, 400, 200);
        List<FaceBox> boxes = new ArrayList<>();
        for (int i = 0; i < people.size(); i++) {
            Face f = people.get(i);
            g.drawImage(faces.draw(f.label().equals("with_mask"), f.side()), f.x(), f.y(), null);
            boxes.add(new FaceBox(f.x(), f.y(), f.side(), f.side(), 1f));
            EXPECTED_VOC.put("images/" + name + ".jpg#face" + i, f.expected());
        }
        g.dispose();
        Files.write(voc.resolve("images/" + name + ".jpg"), TestImages.encode(photo, "jpg"));
        Files.writeString(voc.resolve("annotations/" + name + ".xml"), xml(name + ".jpg", people));
        BOXES.put(name + ".jpg", boxes);
    }

    private static String xml(String file, List<Face> people) {
        StringBuilder s = new StringBuilder("<annotation><filename>" + file + "</filename>");
        for (Face f : people) {
            s.append("<object><name>").append(f.label()).append("</name><bndbox><xmin>").append(f.x())
                    .append("</xmin><ymin>").append(f.y()).append("</ymin><xmax>").append(f.x() + f.side())
                    .append("</xmax><ymax>").append(f.y() + f.side()).append("</ymax></bndbox></object>");
        }
        return s.append("</annotation>").toString();
    }

    private static JobRunner.Outcome prepare(Path output, String... extra) {
        List<String> args = new ArrayList<>(List.of("prepare", "spark.master=local[2]",
                "spark.conf.\"spark.ui.enabled\"=false", "image.size=" + SIZE, "faces.margin=" + MARGIN,
                "prepare.inputs=[\"" + folders + "\", \"" + voc + "\"]", "prepare.output=" + output));
        args.addAll(List.of(extra));
        return JobRunner.run(args.toArray(String[]::new));
    }

    /** A VOC item's path relative to the VOC folder, from the path Hadoop reports. */
    private static String vocRelative(String path) {
        String decoded = new org.apache.hadoop.fs.Path(path).toUri().getPath();
        String fragment = path.contains("#face") ? path.substring(path.indexOf("#face")) : "";
        String root = voc.toAbsolutePath() + "/";
        String file = decoded.startsWith(root) ? decoded.substring(root.length()) : decoded;
        return file.endsWith(fragment) ? file : file + fragment;
    }

    @Test
    void foldersAndAnnotatedPhotosMakeOneDatasetWithEveryItemAccountedFor() throws Exception {
        Path out = tmp.resolve("mixed");
        JobRunner.Outcome run = prepare(out);
        assertEquals(0, run.exitCode(), run.stderr());

        List<Row> images = rows(out.resolve("images"));
        List<Row> rejects = rows(out.resolve("rejects"));
        // sources are recorded as prepare normalises locations (file:///..., no trailing slash)
        String vocSource = StorageUri.parse("prepare.inputs", voc.toString()).toString();
        String folderSource = StorageUri.parse("prepare.inputs", folders.toString()).toString();
        Map<String, String> vocOutcome = new TreeMap<>();
        Map<String, String> splitOfPhoto = new HashMap<>();
        ImageDecoder decoder = new ImageDecoder(new ImageSettings(SIZE, 40_000_000));
        for (Row r : images) {
            String source = r.getAs("source");
            assertTrue(Set.of(vocSource, folderSource).contains(source), source);
            if (!source.equals(vocSource)) {
                continue;
            }
            String rel = vocRelative(r.getAs("path"));
            assertEquals(null, vocOutcome.put(rel, ""), rel);
            String photo = rel.substring("images/".length(), rel.indexOf("#face"));
            String split = r.getAs("split");
            String earlier = splitOfPhoto.put(photo, split);
            assertTrue(earlier == null || earlier.equals(split), photo + "'s faces are in " + earlier + " and " + split);
            // the crop per-face scoring would make of the annotated box
            int index = Integer.parseInt(rel.substring(rel.indexOf("#face") + 5));
            byte[] expected = FaceCrop.forClassifier(decoder.decode(Files.readAllBytes(voc.resolve("images/" + photo))).image(),
                    BOXES.get(photo).get(index), MARGIN, SIZE).rgb();
            assertArrayEquals(expected, (byte[]) r.getAs("pixels"), rel);
        }
        for (Row r : rejects) {
            if (r.getAs("source").equals(vocSource)) {
                assertEquals(null, vocOutcome.put(vocRelative(r.getAs("path")), r.getAs("reason")));
            }
        }
        assertEquals(EXPECTED_VOC, vocOutcome);
        assertTrue(splitOfPhoto.size() >= 12 && Set.copyOf(splitOfPhoto.values()).size() > 1, splitOfPhoto.toString());

        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        long vocKept = EXPECTED_VOC.values().stream().filter(String::isEmpty).count();
        assertEquals(16 + EXPECTED_VOC.size(), summary.get("files").asLong());
        assertEquals(summary.get("files").asLong(), summary.get("accepted").asLong() + summary.get("rejected").asLong());
        assertEquals(16 + vocKept, summary.get("accepted").asLong());
        assertEquals("[\"with_mask\",\"without_mask\"]", summary.get("classes").toString());
        JsonNode fromVoc = summary.get("sources").get(vocSource);
        assertEquals("voc", fromVoc.get("kind").asText());
        assertEquals(vocKept, fromVoc.get("accepted").asLong());
        assertEquals(EXPECTED_VOC.size(), fromVoc.get("files").asLong());
        assertEquals(2, fromVoc.get("rejected_by_reason").get("bad_annotation").asLong());
        long vocWithMask = 0;
        for (String split : new String[]{"train", "val", "test"}) {
            vocWithMask += fromVoc.get("splits").get(split).get("with_mask").asLong();
        }
        assertEquals(12 * 2 + 1, vocWithMask);
        JsonNode fromFolders = summary.get("sources").get(folderSource);
        assertEquals("folders", fromFolders.get("kind").asText());
        assertEquals(16, fromFolders.get("accepted").asLong());
        assertTrue(summary.get("class_balance").get("with_mask").asDouble() > 0.5, summary.toString());
    }

    @Test
    void incorrectlyWornMasksCanBeAClassOfTheirOwn() throws Exception {
        Path out = tmp.resolve("three");
        JobRunner.Outcome run = prepare(out, "prepare.faces.incorrect-mask=keep");
        assertEquals(0, run.exitCode(), run.stderr());
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals("[\"mask_weared_incorrect\",\"with_mask\",\"without_mask\"]", summary.get("classes").toString());
        assertTrue(summary.get("rejected_by_reason").get("dropped_label") == null, summary.toString());
    }

    @Test
    void sourcesAreCheckedBeforeSparkStarts() {
        JobRunner.Outcome both = prepare(tmp.resolve("o1"), "prepare.input=" + folders);
        assertEquals(2, both.exitCode());
        assertTrue(both.stderr().contains("prepare.input") && both.stderr().contains("prepare.inputs"), both.stderr());
        JobRunner.Outcome twice = JobRunner.run("prepare", "prepare.inputs=[\"" + voc + "\", \"" + voc + "/\"]",
                "prepare.output=" + tmp.resolve("o2"));
        assertEquals(2, twice.exitCode());
        assertTrue(twice.stderr().contains("twice"), twice.stderr());
        JobRunner.Outcome missing = JobRunner.run("prepare", "prepare.inputs=[\"" + voc + "\", \"" + tmp.resolve("none") + "\"]",
                "prepare.output=" + tmp.resolve("o3"));
        assertEquals(2, missing.exitCode());
        assertTrue(missing.stderr().contains("prepare.inputs") && missing.stderr().contains("none"), missing.stderr());
    }

    @Test
    void aSourceInsideAnotherOrTheSameThroughALinkIsRefusedBeforeAnythingIsRead() throws Exception {
        // its files would be read twice: once as the outer source's, once again (then rejected as duplicates)
        Path nestedOut = tmp.resolve("nested-out");
        JobRunner.Outcome nested = JobRunner.run("prepare", "prepare.inputs=[\"" + folders.resolve("with_mask")
                + "\", \"" + folders + "\"]", "prepare.output=" + nestedOut);
        assertEquals(2, nested.exitCode(), nested.stderr());
        assertTrue(nested.stderr().contains("prepare.inputs[0]") && nested.stderr().contains("sits inside")
                && nested.stderr().contains("prepare.inputs[1]"), nested.stderr());
        assertTrue(Files.notExists(nestedOut));
        Path link = Files.createSymbolicLink(tmp.resolve("voc-link"), voc);
        JobRunner.Outcome linked = JobRunner.run("prepare", "prepare.inputs=[\"" + voc + "\", \"" + folders
                + "\", \"" + link + "\"]", "prepare.output=" + tmp.resolve("linked-out"));
        assertEquals(2, linked.exitCode(), linked.stderr());
        assertTrue(linked.stderr().contains("prepare.inputs[0]") && linked.stderr().contains("is the same folder as")
                && linked.stderr().contains("prepare.inputs[2]"), linked.stderr());
    }

    @Test
    void theFacesOfOnePhotoShareASplitForAnySeed() throws Exception {
        for (long seed : new long[]{1, 2, 3}) {
            Path out = tmp.resolve("seed" + seed);
            assertEquals(0, prepare(out, "prepare.seed=" + seed).exitCode());
            Map<String, Set<String>> splits = rows(out.resolve("images")).stream().filter(r -> ((String) r.getAs("path")).contains("#face"))
                    .collect(Collectors.groupingBy(r -> ((String) r.getAs("path")).replaceFirst("#face\\d+$", ""),
                            Collectors.mapping(r -> (String) r.getAs("split"), Collectors.toSet())));
            splits.forEach((photo, in) -> assertEquals(1, in.size(), photo + " in " + in));
        }
    }
}
