package org.facemask.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.hadoop.conf.Configuration;
import org.facemask.storage.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** evaluate's metrics.json: the typed records write the fields the map did, and read back what they wrote. */
class EvaluationReportTest {
    private static final List<String> CLASSES = List.of("with_mask", "without_mask");

    @TempDir
    Path tmp;

    @Test
    void imagesReportWritesTheFieldsOfTheMapAndReadsThemBack() throws Exception {
        Metrics metrics = Metrics.compute(CLASSES, new int[]{0, 0, 0, 1, 1},
                new float[][]{{0.9f, 0.1f}, {0.8f, 0.2f}, {0.3f, 0.7f}, {0.6f, 0.4f}, {0.1f, 0.9f}});
        EvaluationReport report = EvaluationReport.of(metrics, 2, EvaluationReport.Undecodable.of(List.of(
                        new EvaluationReport.Undecodable.File("/in/a.jpg", "not_an_image", "null"))),
                "20261201-abc", "/in", "folder per class");
        report.write(tmp.toUri(), metrics, new Configuration());

        // the map evaluate wrote before the record
        Map<String, Object> before = new LinkedHashMap<>(metrics.toMap());
        before.put("unknown_label", 2L);
        before.put("undecodable", Map.of("count", 1, "files",
                List.of(Map.of("path", "/in/a.jpg", "reason", "not_an_image", "detail", "null"))));
        before.put("model_version", "20261201-abc");
        before.put("input", "/in");
        before.put("input_kind", "folder per class");
        JsonNode written = Json.read(Files.readString(tmp.resolve("metrics.json")));
        assertEquals(Json.read(Json.write(before)), written);
        assertEquals(List.copyOf(before.keySet()), iterable(written.fieldNames()));
        assertEquals(List.of("metrics.json", "confusion_matrix.png", "roc.png").stream().sorted().toList(),
                Files.list(tmp).map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList());

        EvaluationReport read = EvaluationReport.read(tmp.toUri(), new Configuration());
        assertEquals(0.6, read.accuracy(), 1e-12);
        assertEquals(5, read.images());
        assertEquals(metrics.perClass(), read.perClass());
        assertArrayEquals(metrics.confusion()[0], read.confusionMatrix()[0]);
        assertEquals(report.undecodable(), read.undecodable());
        assertEquals(List.of(report.modelVersion(), report.input(), report.inputKind(), report.unknownLabel()),
                List.of(read.modelVersion(), read.input(), read.inputKind(), read.unknownLabel()));
    }

    @Test
    void anUndefinedAucIsWrittenAsNull() throws Exception {
        Metrics oneClass = Metrics.compute(CLASSES, new int[]{0, 0}, new float[][]{{0.9f, 0.1f}, {0.4f, 0.6f}});
        EvaluationReport report = EvaluationReport.of(oneClass, 0, EvaluationReport.Undecodable.of(List.of()),
                "v", "/in", "prepared dataset, test split");
        report.write(tmp.toUri(), oneClass, new Configuration());
        assertEquals(true, Json.read(Files.readString(tmp.resolve("metrics.json"))).get("auc").isNull());
        assertNull(EvaluationReport.read(tmp.toUri(), new Configuration()).auc());
    }

    @Test
    void faceReportKeepsItsBlocksAndReadsEndToEndTyped() {
        Map<String, Object> faces = new LinkedHashMap<>();
        faces.put("detector", "yunet");
        faces.put("photos", 3);
        faces.put("end_to_end", Map.of("faces", 12, "found_and_correct", 9, "share", 0.75, "by_face_size", Map.of()));
        FaceEvaluationReport report = new FaceEvaluationReport(faces, Map.of("/in/x.jpg", "no annotation"), "v",
                "/in", FaceEvaluationReport.INPUT_KIND);
        report.write(tmp.toUri(), new Configuration());
        FaceEvaluationReport read = FaceEvaluationReport.read(tmp.toUri(), new Configuration());
        assertEquals(new FaceEvaluationReport.EndToEnd(12, 9, 0.75), read.endToEnd());
        assertEquals(List.of("faces", "left_out", "model_version", "input", "input_kind"),
                iterable(Json.read(Json.write(report)).fieldNames()));
        assertEquals(report.leftOut(), read.leftOut());
        assertEquals("yunet", read.faces().get("detector"));
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> out = new java.util.ArrayList<>();
        names.forEachRemaining(out::add);
        return out;
    }
}
