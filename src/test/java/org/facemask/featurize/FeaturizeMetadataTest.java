package org.facemask.featurize;

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

/** featurize.json: the record writes the fields the map did, and reads back what it wrote. */
class FeaturizeMetadataTest {
    @TempDir
    Path tmp;

    @Test
    void writesTheFieldsOfTheMapAndReadsThemBack() throws Exception {
        FeaturizeMetadata metadata = new FeaturizeMetadata(20, List.of("with_mask", "without_mask"), 96,
                new FeaturizeMetadata.Base("MobileNetV2", 0.35, true, "dd76"), "dl4j",
                FeaturizeMetadata.PREPROCESSING, "/data/prepared");
        metadata.write(tmp.toUri(), new Configuration());

        Map<String, Object> before = new LinkedHashMap<>();
        before.put("images", 20L);
        before.put("classes", List.of("with_mask", "without_mask"));
        before.put("image_size", 96);
        before.put("base", Map.of("architecture", "MobileNetV2", "alpha", 0.35, "pretrained", true,
                "weights_sha256", "dd76"));
        before.put("engine", "dl4j");
        before.put("preprocessing", "RGB, squashed to image_size with area averaging, x/127.5 - 1, NCHW");
        before.put("input", "/data/prepared");
        assertEquals(Json.read(Json.write(before)), Json.read(Files.readString(tmp.resolve(FeaturizeMetadata.FILE))));
        assertEquals(metadata, FeaturizeMetadata.read(tmp.toUri(), new Configuration()));
    }
}
