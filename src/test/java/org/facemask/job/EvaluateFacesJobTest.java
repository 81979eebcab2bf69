package org.facemask.job;

import com.fasterxml.jackson.databind.JsonNode;
import org.facemask.detect.FaceBox;
import org.facemask.samples.SyntheticFaces;
import org.facemask.storage.Json;
import org.facemask.testing.FaceCollage;
import org.facemask.testing.SharedFiles;
import org.facemask.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.facemask.job.FeaturizeJobTest.sparkArgs;
import static org.facemask.job.PrepareJobTest.runMain;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** evaluate on a folder of photos with Pascal VOC annotations: the faces block, the picture, what was left out. */
class EvaluateFacesJobTest {
    @TempDir
    static Path tmp;

    /**
     * A VOC folder with one photo of three people (without mask, with mask, mask worn incorrectly) and its
     * annotation.
     */
    static Path groupPhoto(Path voc) throws java.io.IOException {
        Files.createDirectories(voc.resolve("images"));
        Files.createDirectories(voc.resolve("annotations"));
        FaceCollage.Collage collage = FaceCollage.make();
        Files.write(voc.resolve("images/group.jpg"), TestImages.encode(collage.image(), "jpg"));
        StringBuilder xml = new StringBuilder("<annotation><filename>group.jpg</filename>");
        String[] labels = {"without_mask", "with_mask", "mask_weared_incorrect"};
        for (int i = 0; i < 3; i++) {
            FaceBox tile = collage.tiles().get(i);
            // the face fills the middle of its tile (the dev images are face crops with a margin)
            xml.append(String.format("<object><name>%s</name><bndbox><xmin>%d</xmin><ymin>%d</ymin><xmax>%d</xmax>"
                    + "<ymax>%d</ymax></bndbox></object>", labels[i], (int) tile.x() + 25, (int) tile.y() + 25,
                    (int) (tile.x() + tile.w()) - 25, (int) (tile.y() + tile.h()) - 15));
        }
        Files.writeString(voc.resolve("annotations/group.xml"), xml.append("</annotation>"));
        return voc;
    }

    @Test
    void photosWithAnnotationsAreEvaluatedFaceByFace() throws Exception {
        Path faces = tmp.resolve("faces");
        new SyntheticFaces(5).writeDataset(faces, 10);
        assertEquals(0, runMain(sparkArgs("prepare", "prepare.input=" + faces, "prepare.output=" + tmp.resolve("prepared"))).exitCode());
        JobRunner.Outcome t = runMain(sparkArgs("train", "train.input=" + tmp.resolve("prepared"), "train.output=" + tmp.resolve("model"),
                "model.base.weights=" + SharedFiles.weights035(), "train.epochs=1",
                "train.augment.copies=0", "train.fine-tune.blocks=0")); // a model to score: the head alone will do
        assertEquals(0, t.exitCode(), t.stderr());

        Path voc = groupPhoto(tmp.resolve("street photos"));
        Files.write(voc.resolve("images/empty.png"), TestImages.encode(FaceCollage.noFaces(), "png"));
        Files.writeString(voc.resolve("annotations/empty.xml"), "<annotation><filename>empty.png</filename></annotation>");
        Files.write(voc.resolve("images/unlabelled.png"), TestImages.encode(FaceCollage.noFaces(), "png"));

        Path out = tmp.resolve("evaluation");
        JobRunner.Outcome e = runMain(sparkArgs("evaluate", "evaluate.model=" + tmp.resolve("model"),
                "evaluate.input=" + voc, "evaluate.output=" + out,
                "faces.model=" + SharedFiles.require("models/face-detectors/face_detection_yunet_2026may.onnx")));
        assertEquals(0, e.exitCode(), e.stderr());
        JsonNode report = Json.read(Files.readString(out.resolve("metrics.json")));
        JsonNode f = report.get("faces");
        assertTrue(f.get("detector").asText().startsWith("yunet sha256:ebafce4e"), f.toString());
        assertEquals(2, f.get("photos").asInt());
        assertEquals(3, f.get("annotated_faces").asInt());
        assertEquals(3, f.get("predicted_faces").asInt(), "the three faces and nothing in the empty photo");
        assertEquals(1.0, f.get("detection").get("recall").asDouble(), 1e-9, f.toString());
        assertEquals(2, f.get("classification_of_found_faces").get("faces").asInt(), "the incorrectly worn one is apart");
        assertEquals(1, f.get("mask_weared_incorrect").get("found").asInt());
        assertEquals(2, f.get("end_to_end").get("faces").asInt());
        // the annotated faces are 130 x 140 px: all of them in 64px_and_over and in 32px_and_over
        JsonNode large = f.get("by_face_size").get("32px_and_over");
        assertEquals(2, large.get("faces").asInt(), f.toString());
        assertEquals(2, large.get("found_iou50").asInt());
        assertEquals(2, large.get("found_iou30").asInt());
        assertEquals(f.get("end_to_end").get("found_and_correct").asInt(), large.get("found_and_correct").asInt());
        assertEquals(1, large.get("by_annotated_class").get("mask_weared_incorrect").get("found_iou50").asInt());
        assertEquals(3, f.get("by_box_size").get("32px_and_over").get("matched_iou50").asInt(), "every box on a face");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        e.result().print(new PrintStream(printed, true, StandardCharsets.UTF_8));
        String summary = printed.toString(StandardCharsets.UTF_8);
        assertTrue(summary.contains("of 32 px and more: 2 of 2 found (1.0000), " + large.get("found_and_correct").asInt()
                + " found and correctly classified"), summary);
        assertTrue(summary.contains("box precision 1.0000 (3 of 3 boxes)"), summary);
        assertTrue(report.get("left_out").toString().contains("unlabelled.png"), report.get("left_out").toString());
        assertTrue(Files.size(out.resolve("faces.png")) > 1000);
    }
}
