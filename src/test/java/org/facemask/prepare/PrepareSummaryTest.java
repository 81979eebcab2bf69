package org.facemask.prepare;

import org.apache.hadoop.conf.Configuration;
import org.facemask.storage.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** summary.json: read back field for field by the class that writes it; derived fields written, not read. */
class PrepareSummaryTest {
    @TempDir
    Path tmp;

    private static PrepareSummary summary() {
        Map<String, Map<String, Long>> splits = new LinkedHashMap<>();
        splits.put("train", Map.of("with_mask", 6L, "without_mask", 5L));
        splits.put("val", Map.of("with_mask", 1L, "without_mask", 1L));
        splits.put("test", Map.of("with_mask", 2L, "without_mask", 1L));
        Map<String, PrepareSummary.Source> sources = new LinkedHashMap<>();
        sources.put("file:/data/faces", new PrepareSummary.Source("folders", 12, 3, splits, Map.of("duplicate", 2L, "hidden", 1L)));
        sources.put("file:/data/voc", new PrepareSummary.Source("voc", 4, 0, Map.of("train", Map.of("with_mask", 4L)), Map.of()));
        return new PrepareSummary(19, 16, 3, 2, List.of("with_mask", "without_mask"), splits,
                Map.of("duplicate", 2L, "hidden", 1L), sources, 96, 42, 12.34);
    }

    @Test
    void writtenThenReadIsTheSameSummary() throws Exception {
        PrepareSummary summary = summary();
        summary.write(tmp.toUri(), new Configuration());
        String json = Files.readString(tmp.resolve(PreparedColumns.SUMMARY_FILE));
        assertEquals(summary, PrepareSummary.fromJson(json));
        assertEquals(List.of("file:/data/faces", "file:/data/voc"),
                Json.convert(Json.read(json).get("inputs"), new com.fasterxml.jackson.core.type.TypeReference<List<String>>() { }));
        assertEquals(15, Json.read(json).get("sources").get("file:/data/faces").get("files").asLong());
        assertEquals(0.563, Json.read(json).get("class_balance").get("with_mask").asDouble(), 1e-12);
    }

    @Test
    void aSummaryWithoutAFieldIsRefusedNamingIt() {
        String json = summary().toJson().replace("\"image_size\"", "\"size\"");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PrepareSummary.fromJson(json));
        assertTrue(e.getMessage().contains("image_size") && e.getMessage().contains("summary.json"), e.getMessage());
    }
}
