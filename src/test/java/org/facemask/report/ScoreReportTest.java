package org.facemask.report;

import org.apache.hadoop.conf.Configuration;
import org.facemask.storage.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The score report's baseline (the previous night's report.json) and what its comparison marks. */
class ScoreReportTest {
    static final LocalDate NIGHT = LocalDate.parse("2026-11-03");
    @TempDir
    Path tmp;

    private void report(String dir, String json) throws Exception {
        Path d = Files.createDirectories(tmp.resolve(dir));
        if (json != null) {
            Files.writeString(d.resolve(ScoreReport.JSON_FILE), json);
        }
    }

    @Test
    void theBaselineIsTheLatestEarlierNightWithAReport() throws Exception {
        assertNull(ScoreReport.previous(tmp.resolve("missing").toUri(), NIGHT, new Configuration()), "the first night");
        report("run_date=2026-10-30", "{\"run_date\": \"2026-10-30\"}");
        report("run_date=2026-11-01", "{\"run_date\": \"2026-11-01\"}");
        report("run_date=2026-11-02", null); // a night whose report was never written
        report("run_date=2026-11-03", "{\"run_date\": \"2026-11-03\"}"); // this night, re-run
        report("run_date=2026-11-04", "{\"run_date\": \"2026-11-04\"}"); // a later night, re-run of an older date
        report("run_date=someday", "{\"run_date\": \"someday\"}");
        assertEquals("2026-11-01", ScoreReport.previous(tmp.toUri(), NIGHT, new Configuration()).get("run_date"));
    }

    @Test
    void aDamagedBaselineCostsTheComparisonNotTheReport() throws Exception {
        report("run_date=2026-11-02", "{\"run_date\": \"2026-11-0");
        assertNull(ScoreReport.previous(tmp.toUri(), NIGHT, new Configuration()));
        String html = ScoreReport.render(night("2026-11-03", 100, 2, 60), null);
        assertTrue(html.contains("could not be read"), html);
    }

    @Test
    void aShareThatMovedFivePointsIsMarked() {
        String steady = ScoreReport.render(night("2026-11-03", 100, 2, 60), night("2026-11-02", 100, 2, 62));
        assertFalse(steady.contains("(!)"), "two points is no news");
        String drift = ScoreReport.render(night("2026-11-03", 100, 2, 60), night("2026-11-02", 100, 2, 70));
        assertTrue(drift.contains("-10.2 points (!)"), "with_mask 60/98 against 70/98: " + drift);
        assertTrue(drift.contains("Previous: run_date 2026-11-02"), drift);
    }

    /** A report.json as it reads back: {@code withMask} of the scored rows (rows - errors) with_mask, the rest without. */
    private static Map<String, Object> night(String date, long rows, long errors, long withMask) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("run_date", date);
        r.put("model_version", "m1");
        r.put("classes", List.of("with_mask", "without_mask"));
        r.put("row_per", "image");
        r.put("files_listed", rows);
        r.put("files_skipped_as_scored", 0);
        r.put("rows", rows);
        r.put("images", rows);
        r.put("errors", errors);
        r.put("errors_by_reason", Map.of("not_an_image", Map.of("count", errors, "examples", List.of("/cam/a.txt"))));
        r.put("labels", Map.of("with_mask", withMask, "without_mask", rows - errors - withMask));
        r.put("probability_histogram", Map.of("p_with_mask", List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)));
        r.put("time", Map.of("list_seconds", 0.1, "score_seconds", 2.0, "total_seconds", 3.0, "read_task_seconds", 0.5,
                "decode_task_seconds", 0.7, "inference_task_seconds", 1.0, "images_per_second", 50.0));
        return Json.toMap(Json.read(Json.write(r)));
    }
}
