package org.facemask.model;

import com.fasterxml.jackson.databind.JsonNode;

import org.facemask.storage.Json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * metadata.json of a model directory: what a consumer needs to use the model correctly (classes in output order,
 * image size, preprocessing) and to trace it (base weights, training settings, version).
 *
 * @param version  model version id, recorded with every prediction made with it
 * @param training the training settings and outcome, as written (free-form)
 */
public record ModelMetadata(String version, List<String> classes, int imageSize, double alpha, boolean pretrained,
                            String weightsSha256, String createdAt, Map<String, Object> training) {
    public static final String FILE = "metadata.json";
    public static final String PREPROCESSING = "decode (EXIF-upright RGB, alpha on white), squash to image_size x "
            + "image_size with area averaging (bilinear when enlarging), x/127.5 - 1, NCHW";

    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model_version", version);
        m.put("classes", classes);
        m.put("image_size", imageSize);
        m.put("preprocessing", PREPROCESSING);
        Map<String, Object> base = new LinkedHashMap<>();
        base.put("architecture", "MobileNetV2");
        base.put("alpha", alpha);
        base.put("pretrained", pretrained);
        base.put("weights_sha256", weightsSha256);
        m.put("base", base);
        m.put("training", training);
        m.put("created_at", createdAt);
        return Json.write(m);
    }

    public static ModelMetadata fromJson(String json) {
        try {
            JsonNode n = Json.read(json);
            List<String> classes = new ArrayList<>();
            n.get("classes").forEach(c -> classes.add(c.asText()));
            JsonNode base = n.get("base");
            Map<String, Object> training = Json.toMap(n.get("training"));
            return new ModelMetadata(n.get("model_version").asText(), List.copyOf(classes), n.get("image_size").asInt(),
                    base.get("alpha").asDouble(), base.get("pretrained").asBoolean(),
                    base.get("weights_sha256").isNull() ? null : base.get("weights_sha256").asText(),
                    n.get("created_at").asText(), training);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a model metadata.json: " + e.getMessage(), e);
        }
    }
}
