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

public class FaceMetricsTest {
    public static final List<String> CLASSES = List.of("with_mask", "without_mask");

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

    /**
     * A photo of six annotated faces and six found boxes, for the figures by size (longer side, px):
     * <pre>
     * face  label                  size  found by      at IoU  called
     * T0    with_mask              40    P0 (40 px)    1       with_mask (right)
     * T1    without_mask           80    P1 (80 px)    1/3     without_mask: found at 0.3 only
     * T2    with_mask              32    nothing                              (a face of 32 px and more missed)
     * T3    mask_weared_incorrect  40    P2 (40 px)    1       without_mask
     * T4    with_mask              31    P3 (31 px)    1       without_mask (wrong)
     * T5    without_mask           10    nothing
     *       P4, 100 px, and P5, 12 px: boxes on no face
     * </pre>
     */
    public static FaceMetrics.Photo crowd() {
        List<VocAnnotation.Face> truth = List.of(
                new VocAnnotation.Face("with_mask", new FaceBox(0, 0, 40, 40, 1f)),
                new VocAnnotation.Face("without_mask", new FaceBox(100, 0, 80, 80, 1f)),
                new VocAnnotation.Face("with_mask", new FaceBox(200, 0, 32, 30, 1f)),
                new VocAnnotation.Face(FaceMetrics.INCORRECT, new FaceBox(300, 0, 40, 40, 1f)),
                new VocAnnotation.Face("with_mask", new FaceBox(0, 100, 31, 20, 1f)),
                new VocAnnotation.Face("without_mask", new FaceBox(50, 100, 10, 10, 1f)));
        List<ScoredFace> predicted = List.of(
                predicted(0, 0, 40, 40, 0.9f, 0.8f),
                predicted(100, 40, 80, 80, 0.8f, 0.1f),    // half of T1 high: 3200 / 9600
                predicted(300, 0, 40, 40, 0.7f, 0.3f),
                predicted(0, 100, 31, 20, 0.6f, 0.2f),
                predicted(400, 200, 100, 100, 0.5f, 0.6f), // a large box on no face
                predicted(400, 0, 12, 12, 0.4f, 0.6f));    // a small box on no face
        return new FaceMetrics.Photo("crowd.jpg", truth, predicted, false);
    }

    @Test
    void aLooserThresholdMatchesABoxFramedDifferently() {
        FaceMetrics.Photo crowd = crowd();
        assertArrayEquals(new int[]{0, -1, 3, 4, -1, -1}, FaceMetrics.match(crowd.truth(), crowd.predicted(), 0.5));
        assertArrayEquals(new int[]{0, 1, 3, 4, -1, -1}, FaceMetrics.match(crowd.truth(), crowd.predicted(), 0.3));
    }

    @Test
    @SuppressWarnings("unchecked")
    void facesBySizeAtBothThresholdsAndByClass() {
        Map<String, Object> m = FaceMetrics.compute(CLASSES, List.of(crowd()));
        Map<String, Map<String, Object>> bySize = (Map<String, Map<String, Object>>) m.get("by_face_size");
        assertEquals(List.of("under_16px", "16-31px", "32-63px", "64px_and_over", "32px_and_over", "all_sizes"),
                List.copyOf(bySize.keySet()));
        Map<String, Object> large = bySize.get("32px_and_over");
        // T0, T1 and T2 (T3 is neither class): T0 found, T1 only at 0.3, T2 missed; T0 called right
        assertEquals(3, large.get("faces"));
        assertEquals(1, large.get("found_iou50"));
        assertEquals(1 / 3.0, (double) large.get("recall_iou50"), 1e-12);
        assertEquals(2, large.get("found_iou30"));
        assertEquals(2 / 3.0, (double) large.get("recall_iou30"), 1e-12);
        assertEquals(1, large.get("found_and_correct"));
        assertEquals(1 / 3.0, (double) large.get("share"), 1e-12);
        Map<String, Map<String, Object>> largeByClass = (Map<String, Map<String, Object>>) large.get("by_annotated_class");
        assertEquals(List.of("with_mask", "without_mask", FaceMetrics.INCORRECT), List.copyOf(largeByClass.keySet()));
        assertEquals(Map.of("faces", 2, "found_iou50", 1, "recall_iou50", 0.5, "found_iou30", 1, "recall_iou30", 0.5,
                "found_and_correct", 1, "share", 0.5), largeByClass.get("with_mask"), "T0 found, T2 (32 px) missed");
        assertEquals(Map.of("faces", 1, "found_iou50", 0, "recall_iou50", 0.0, "found_iou30", 1, "recall_iou30", 1.0,
                "found_and_correct", 0, "share", 0.0), largeByClass.get("without_mask"), "T1 found at 0.3 only");
        assertEquals(Map.of("faces", 1, "found_iou50", 1, "recall_iou50", 1.0, "found_iou30", 1, "recall_iou30", 1.0),
                largeByClass.get(FaceMetrics.INCORRECT), "found; neither class, so never correct");

        assertEquals(Map.of("faces", 1, "found_iou50", 1, "recall_iou50", 1.0, "found_iou30", 1, "recall_iou30", 1.0,
                "found_and_correct", 0, "share", 0.0), without(bySize.get("16-31px"), "by_annotated_class"),
                "T4, 31 px, found and called without_mask");
        assertEquals(2, bySize.get("32-63px").get("faces"), "T0 and T2, 32 px");
        assertEquals(1, bySize.get("64px_and_over").get("found_iou30"));
        assertEquals(0, bySize.get("64px_and_over").get("found_iou50"));
        assertEquals(0, ((Map<String, Map<String, Object>>) bySize.get("under_16px").get("by_annotated_class"))
                .get("with_mask").get("faces"), "every bucket lists every class");
        Map<String, Object> all = bySize.get("all_sizes");
        assertEquals(List.of(5, 2, 3, 1), List.of(all.get("faces"), all.get("found_iou50"), all.get("found_iou30"),
                all.get("found_and_correct")));

        Map<String, Object> endToEnd = (Map<String, Object>) m.get("end_to_end");
        assertEquals(List.of(5, 1, 0.2), List.of(endToEnd.get("faces"), endToEnd.get("found_and_correct"), endToEnd.get("share")),
                "end_to_end as before: the faces of the model's classes at IoU 0.5");
        assertEquals(Map.of("faces", 1, "found", 0, "found_and_correct", 0, "share", 0.0),
                ((Map<String, Object>) endToEnd.get("by_face_size")).get("64px_and_over"));
        Map<String, Object> detection = (Map<String, Object>) m.get("detection");
        assertEquals(3 / 6.0, (double) detection.get("recall"), 1e-12, "detection at IoU 0.5 counts every annotated face");
    }

    @Test
    @SuppressWarnings("unchecked")
    void boxPrecisionByTheFoundBoxSize() {
        Map<String, Map<String, Object>> byBox = (Map<String, Map<String, Object>>)
                FaceMetrics.compute(CLASSES, List.of(crowd())).get("by_box_size");
        assertEquals(List.of("under_16px", "16-31px", "32-63px", "64px_and_over", "32px_and_over", "all_sizes"),
                List.copyOf(byBox.keySet()));
        assertEquals(Map.of("boxes", 4, "matched_iou50", 2, "precision_iou50", 0.5, "matched_iou30", 3,
                "precision_iou30", 0.75), byBox.get("32px_and_over"), "P0, P2 match; P1 at 0.3 only; P4 on no face");
        assertEquals(Map.of("boxes", 2, "matched_iou50", 0, "precision_iou50", 0.0, "matched_iou30", 1,
                "precision_iou30", 0.5), byBox.get("64px_and_over"), "P1 and the large false box P4");
        assertEquals(Map.of("boxes", 1, "matched_iou50", 0, "precision_iou50", 0.0, "matched_iou30", 0,
                "precision_iou30", 0.0), byBox.get("under_16px"), "the small false box P5 costs only its own bucket");
        assertEquals(Map.of("boxes", 2, "matched_iou50", 2, "precision_iou50", 1.0, "matched_iou30", 2,
                "precision_iou30", 1.0), byBox.get("32-63px"), "P2 matched the incorrectly worn face: any label counts");
        assertEquals(6, byBox.get("all_sizes").get("boxes"));
        assertEquals(3, byBox.get("all_sizes").get("matched_iou50"));
        assertEquals(4, byBox.get("all_sizes").get("matched_iou30"));
    }

    private static Map<String, Object> without(Map<String, Object> m, String key) {
        Map<String, Object> copy = new java.util.LinkedHashMap<>(m);
        copy.remove(key);
        return copy;
    }
}
