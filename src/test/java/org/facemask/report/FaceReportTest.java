package org.facemask.report;

import org.facemask.evaluate.FaceMetrics;
import org.facemask.evaluate.FaceMetricsTest;
import org.facemask.storage.Json;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** report.html of a face evaluation: the figures by face size (both IoUs, each class) and by box size. */
class FaceReportTest {
    private static final Pattern KEYED = Pattern.compile("data-key=\"([^\"]+)\">([^<]*)<");

    @Test
    void showsTheFacesBySizeAndClassAndTheBoxPrecisionBySize() {
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("faces", FaceMetrics.compute(FaceMetricsTest.CLASSES, List.of(FaceMetricsTest.crowd())));
        metrics.put("input", "/photos/crowd");
        // as EvaluateAction hands it over: metrics.json's record as a map
        String html = FaceReport.render(FaceMetricsTest.CLASSES, Json.toMap(Json.read(Json.write(metrics))), null);
        Map<String, String> shown = new LinkedHashMap<>();
        Matcher m = KEYED.matcher(html);
        while (m.find()) {
            shown.put(m.group(1), m.group(2));
        }
        // the figures worked out by hand in FaceMetricsTest.crowd
        Map<String, String> expected = Map.ofEntries(
                Map.entry("size.32px_and_over", "0.3333"), // found and correct, faces of 32 px and more
                Map.entry("size.32px_and_over.recall_iou50", "0.3333"),
                Map.entry("size.32px_and_over.recall_iou30", "0.6667"),
                Map.entry("size.64px_and_over.without_mask.recall_iou30", "1.0000"),
                Map.entry("size.64px_and_over.without_mask.recall_iou50", "0.0000"),
                Map.entry("size.32px_and_over.with_mask", "0.5000"),
                Map.entry("size.32px_and_over.mask_weared_incorrect", "n/a"), // neither class: never correct
                Map.entry("size.32px_and_over.mask_weared_incorrect.recall_iou50", "1.0000"),
                Map.entry("size.all_sizes", "0.2000"),
                Map.entry("boxes.32px_and_over.precision_iou50", "0.5000"),
                Map.entry("boxes.32px_and_over.precision_iou30", "0.7500"),
                Map.entry("boxes.under_16px.precision_iou50", "0.0000"));
        expected.forEach((key, figure) -> assertEquals(figure, shown.get(key), key));
        assertTrue(html.contains("<td>32px and over</td><td>with_mask + without_mask</td>"), html);
    }
}
