package org.facemask.evaluate;

import org.facemask.prepare.VocAnnotation;
import org.facemask.detect.FaceBox;
import org.facemask.detect.ScoredFace;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FaceMetricsTest {
    static final List<String> CLASSES = List.of("with_mask", "without_mask");

    static final String VOC = """
            <annotation>
              <folder>images</folder><filename>street.jpg</filename>
              <size><width>400</width><height>300</height><depth>3</depth></size>
              <object><name>with_mask</name><bndbox><xmin>10</xmin><ymin>20</ymin><xmax>50</xmax><ymax>70</ymax></bndbox></object>
              <object><name>without_mask</name><bndbox><xmin>100</xmin><ymin>20</ymin><xmax>140</xmax><ymax>70</ymax></bndbox></object>
              <object><name>mask_weared_incorrect</name><bndbox><xmin>200</xmin><ymin>20</ymin><xmax>240</xmax><ymax>70</ymax></bndbox></object>
              <object><name>with_mask</name><bndbox><xmin>300</xmin><ymin>200</ymin><xmax>320</xmax><ymax>225</ymax></bndbox></object>
            </annotation>
            """;

    @Test
    void parsesPascalVoc() {
        VocAnnotation a = VocAnnotation.parse(VOC.getBytes(StandardCharsets.UTF_8));
        assertEquals("street.jpg", a.filename());
        assertEquals(4, a.faces().size());
        assertEquals("without_mask", a.faces().get(1).label());
        assertEquals(new FaceBox(100, 20, 40, 50, 1f), a.faces().get(1).box());
    }

    @Test
    void refusesBrokenAnnotationsSayingWhy() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> VocAnnotation.parse("<annotation><filename>x.jpg</filename><object><name>with_mask</name></object></annotation>".getBytes(StandardCharsets.UTF_8)))
                .getMessage().contains("no bndbox"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> VocAnnotation.parse("<annotation>".getBytes(StandardCharsets.UTF_8)))
                .getMessage().contains("XML"));
    }

    static ScoredFace predicted(double x, double y, double w, double h, float confidence, float pWithMask) {
        return new ScoredFace(new FaceBox(x, y, w, h, confidence), new float[]{pWithMask, 1 - pWithMask});
    }

    @Test
    void matchesAtIouHalfMostConfidentFirst() {
        List<VocAnnotation.Face> truth = VocAnnotation.parse(VOC.getBytes(StandardCharsets.UTF_8)).faces();
        List<ScoredFace> predicted = List.of(
                predicted(12, 22, 40, 50, 0.6f, 0.9f),   // the with_mask face, shifted a little
                predicted(10, 20, 40, 50, 0.9f, 0.8f),   // the same face, more confident: it takes the match
                predicted(100, 45, 40, 50, 0.8f, 0.9f),  // half off the without_mask face: IoU 1/3, no match
                predicted(200, 20, 40, 50, 0.7f, 0.2f)); // the incorrectly worn mask
        assertArrayEquals(new int[]{-1, 0, -1, 2}, FaceMetrics.match(truth, predicted));
    }

    @Test
    @SuppressWarnings("unchecked")
    void detectionClassificationAndEndToEnd() {
        List<VocAnnotation.Face> truth = VocAnnotation.parse(VOC.getBytes(StandardCharsets.UTF_8)).faces();
        List<ScoredFace> predicted = List.of(
                predicted(10, 20, 40, 50, 0.9f, 0.8f),    // with_mask, right
                predicted(100, 20, 40, 50, 0.9f, 0.7f),   // without_mask face called with_mask: found, wrong
                predicted(200, 20, 40, 50, 0.7f, 0.2f),   // incorrectly worn, called without_mask
                predicted(350, 100, 30, 30, 0.6f, 0.4f)); // nothing there
        Map<String, Object> m = FaceMetrics.compute(CLASSES, List.of(new FaceMetrics.Photo("street.jpg", truth, predicted, false)));
        Map<String, Object> detection = (Map<String, Object>) m.get("detection");
        assertEquals(3 / 4.0, (double) detection.get("recall"), 1e-12);
        assertEquals(3 / 4.0, (double) detection.get("precision"), 1e-12);
        Map<String, Map<String, Object>> byClass = (Map<String, Map<String, Object>>) detection.get("by_annotated_class");
        assertEquals(0.5, (double) byClass.get("with_mask").get("recall"), 1e-12, "the small with_mask face was missed");
        Map<String, Object> classification = (Map<String, Object>) m.get("classification_of_found_faces");
        assertEquals(2, classification.get("faces"), "the incorrectly worn face is neither class");
        assertEquals(0.5, (double) classification.get("accuracy"), 1e-12);
        assertArrayEquals(new int[][]{{1, 0}, {1, 0}}, (int[][]) classification.get("confusion_matrix"));
        Map<String, Object> endToEnd = (Map<String, Object>) m.get("end_to_end");
        assertEquals(3, endToEnd.get("faces"));
        assertEquals(1, endToEnd.get("found_and_correct"));
        Map<String, Map<String, Object>> bySize = (Map<String, Map<String, Object>>) endToEnd.get("by_face_size");
        assertEquals(List.of("under_16px", "16-31px", "32-63px", "64px_and_over"), List.copyOf(bySize.keySet()));
        assertEquals(Map.of("faces", 1, "found", 0, "found_and_correct", 0, "share", 0.0), bySize.get("16-31px"),
                "the missed 20x25 face");
        assertEquals(Map.of("faces", 2, "found", 2, "found_and_correct", 1, "share", 0.5), bySize.get("32-63px"));
        assertEquals(0, bySize.get("under_16px").get("faces"));
        Map<String, Object> incorrect = (Map<String, Object>) m.get(FaceMetrics.INCORRECT);
        assertEquals(1, incorrect.get("annotated"));
        assertEquals(Map.of("without_mask", 1), incorrect.get("classified_as"));
    }
}
