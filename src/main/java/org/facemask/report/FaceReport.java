package org.facemask.report;

import org.apache.hadoop.conf.Configuration;
import org.facemask.storage.Storage;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * report.html of a face evaluation (photos with Pascal VOC annotations), rendered from the metrics.json map: end
 * to end share, found faces by face size and class at IoU 0.5 and 0.3, box precision by box size, detection, classification of the found faces, the photos with annotated and found
 * boxes, and what was left out.
 */
public final class FaceReport {
    private FaceReport() {
    }

    /**
     * @param metricsJson the map written to metrics.json ({@code faces}, {@code left_out}, model version, input)
     * @param photos      the PNG of annotated photos with their boxes (faces.png), or null when none had enough faces
     */
    public static void write(URI dir, List<String> classes, Map<String, ?> metricsJson, byte[] photos,
                             Configuration hadoop) {
        Storage.writeString(Storage.child(dir, ClassificationReport.FILE), render(classes, metricsJson, photos), hadoop);
    }

    static String render(List<String> classes, Map<String, ?> metricsJson, byte[] photos) {
        Map<String, ?> faces = map(metricsJson.get("faces"));
        Map<String, ?> endToEnd = map(faces.get("end_to_end"));
        Map<String, ?> detection = map(faces.get("detection"));
        Map<String, ?> classification = map(faces.get("classification_of_found_faces"));
        Html page = new Html("Face evaluation: " + metricsJson.get("input"));
        page.section("Summary").table(List.of("photos", "annotated faces", "found and correctly classified",
                "share", "detection recall", "detection precision", "accuracy on found faces"), List.of(List.of(
                Html.Cell.number(faces.get("photos"), "photos"), Html.Cell.number(endToEnd.get("faces"), "faces"),
                Html.Cell.number(endToEnd.get("found_and_correct"), "found_and_correct"),
                Html.Cell.number(endToEnd.get("share"), "share"), Html.Cell.number(detection.get("recall"), "detection.recall"),
                Html.Cell.number(detection.get("precision"), "detection.precision"),
                Html.Cell.number(classification.get("accuracy"), "classification.accuracy")))).endSection();
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("model_version", metricsJson.get("model_version"));
        settings.put("input", metricsJson.get("input"));
        settings.put("detector", faces.get("detector"));
        settings.put("detector_settings", new TreeMap<>(map(faces.get("settings"))));
        settings.put("seconds", faces.get("seconds"));

        List<List<Html.Cell>> sizes = new ArrayList<>();
        map(faces.get("by_face_size")).forEach((range, v) -> {
            Map<String, ?> all = map(v);
            sizes.add(faceSizeRow(range, String.join(" + ", classes), all, "size." + range));
            map(all.get("by_annotated_class")).forEach((label, n) ->
                    sizes.add(faceSizeRow(range, label, map(n), "size." + range + "." + label)));
        });
        page.section("By face size (longer side of the annotated box)")
                .paragraph("Found at IoU 0.5 and at 0.3: a face found only at 0.3 has a box framed differently from "
                        + "the annotation. Found and correct: found at IoU 0.5 and called its annotated class.")
                .table(List.of("face size", "annotated class", "faces", "found IoU 0.5", "recall IoU 0.5",
                        "found IoU 0.3", "recall IoU 0.3", "found and correct", "share"), sizes).endSection();

        List<List<Html.Cell>> boxes = new ArrayList<>();
        map(faces.get("by_box_size")).forEach((range, v) -> {
            Map<String, ?> n = map(v);
            boxes.add(List.of(Html.Cell.text(range.replace('_', ' ')), Html.Cell.number(n.get("boxes")),
                    Html.Cell.number(n.get("matched_iou50")),
                    Html.Cell.number(n.get("precision_iou50"), "boxes." + range + ".precision_iou50"),
                    Html.Cell.number(n.get("matched_iou30")),
                    Html.Cell.number(n.get("precision_iou30"), "boxes." + range + ".precision_iou30")));
        });
        page.section("Box precision by size (longer side of the found box)")
                .paragraph("The share of found boxes that match an annotated face of any class.")
                .table(List.of("box size", "boxes", "matched IoU 0.5", "precision IoU 0.5", "matched IoU 0.3",
                        "precision IoU 0.3"), boxes).endSection();

        List<List<Html.Cell>> byClass = new ArrayList<>();
        map(detection.get("by_annotated_class")).forEach((label, v) -> {
            Map<String, ?> n = map(v);
            byClass.add(List.of(Html.Cell.text(label), Html.Cell.number(n.get("annotated")),
                    Html.Cell.number(n.get("found")), Html.Cell.number(n.get("recall"))));
        });
        page.section("Detection (a found face matches an annotated one at IoU " + detection.get("iou_threshold")
                + " or more)").table(List.of("annotated class", "annotated", "found", "recall"), byClass).endSection();

        page.section("Classification of the found faces");
        List<List<Html.Cell>> perClass = new ArrayList<>();
        map(classification.get("classes")).forEach((name, v) -> {
            Map<String, ?> c = map(v);
            perClass.add(List.of(Html.Cell.text(name), Html.Cell.number(c.get("precision")),
                    Html.Cell.number(c.get("recall"), "recall." + name), Html.Cell.number(c.get("f1")),
                    Html.Cell.number(c.get("support"))));
        });
        page.table(List.of("class", "precision", "recall", "F1", "faces"), perClass);
        if (classification.get("confusion_matrix") instanceof int[][] m) {
            long[][] matrix = new long[m.length][];
            for (int i = 0; i < m.length; i++) {
                matrix[i] = java.util.Arrays.stream(m[i]).asLongStream().toArray();
            }
            ClassificationReport.confusion(page, classes, matrix, "confusion");
        }
        page.endSection();

        if (photos != null) {
            page.section("Photos").paragraph("White: annotated faces. Coloured: found faces by predicted class, with the "
                    + "probability of that class.").image("image/png", photos, "photos with annotated and found faces")
                    .endSection();
        }
        page.section("Settings and data").keyValues(settings).endSection();
        Map<String, ?> leftOut = map(metricsJson.get("left_out"));
        if (!leftOut.isEmpty()) {
            List<List<Html.Cell>> rows = new ArrayList<>();
            leftOut.forEach((path, why) -> rows.add(List.of(Html.Cell.text(path), Html.Cell.text(String.valueOf(why)))));
            page.section("Files left out (" + leftOut.size() + ")").table(List.of("file", "why"), rows).endSection();
        }
        return page.render();
    }

    /**
     * A row of the by-size table; {@code key} marks its share (found and correct; none for a class the model does
     * not know) and {@code key.recall_iou50}, {@code key.recall_iou30} its recalls.
     */
    private static List<Html.Cell> faceSizeRow(String range, String label, Map<String, ?> n, String key) {
        return List.of(Html.Cell.text(range.replace('_', ' ')), Html.Cell.text(label), Html.Cell.number(n.get("faces")),
                Html.Cell.number(n.get("found_iou50")), Html.Cell.number(n.get("recall_iou50"), key + ".recall_iou50"),
                Html.Cell.number(n.get("found_iou30")), Html.Cell.number(n.get("recall_iou30"), key + ".recall_iou30"),
                Html.Cell.number(n.get("found_and_correct")), Html.Cell.number(n.get("share"), key));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ?> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, ?>) m : Map.of();
    }
}
