package org.facemask.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import org.facemask.storage.Json;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * metadata.json of a model directory: what a consumer needs to use the model correctly (classes in output order,
 * image size, preprocessing) and to trace it (base weights, training settings, version), bound to its model.zip
 * and model.onnx by those files' sha256.
 *
 * @param version     model version id, recorded with every prediction made with it: the creation time and the
 *                    first 10 hex digits of {@code modelSha256} (older models: of a hash of the weights)
 * @param modelSha256 sha256 of the model.zip written beside it; null in models written before it was recorded
 * @param classes     at least two distinct names, in the network's output order
 * @param training    the training settings and outcome, as written (free-form)
 * @param onnx        the ONNX export written beside model.zip; null in models written before train exported it
 */
public record ModelMetadata(String version, String modelSha256, List<String> classes, int imageSize, double alpha,
                            boolean pretrained, String weightsSha256, String createdAt, Map<String, Object> training,
                            OnnxFile onnx) {
    public static final String FILE = "metadata.json";
    public static final String PREPROCESSING = "decode (EXIF-upright RGB, alpha on white), squash to image_size x "
            + "image_size with area averaging (bilinear when enlarging), x/127.5 - 1, NCHW";
    private static final DateTimeFormatter VERSION_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    public ModelMetadata {
        classes = List.copyOf(classes);
        if (classes.size() < 2 || new HashSet<>(classes).size() != classes.size()
                || classes.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("classes must be at least 2 different names, got " + classes.size()
                    + " " + classes);
        }
    }

    /**
     * The ONNX graph {@link OnnxExporter} made of model.zip's network, as written beside it (written to
     * metadata.json as it is, by Jackson).
     */
    public record OnnxFile(String file, String sha256, @JsonProperty("size_bytes") long sizeBytes, int opset,
                           @JsonProperty("export_options") ExportOptions exportOptions) {
        static OnnxFile fromJson(JsonNode n) {
            return n == null || n.isNull() ? null : new OnnxFile(n.get("file").asText(), n.get("sha256").asText(),
                    n.get("size_bytes").asLong(), n.get("opset").asInt(),
                    new ExportOptions(n.get("export_options").get("channel_block").asInt()));
        }
    }

    /**
     * @param channelBlock convolution outputs padded to a multiple of this many channels (1 = none), chosen for the
     *                     CPU of the machine that exported the graph
     */
    public record ExportOptions(@JsonProperty("channel_block") int channelBlock) {
    }

    /** The metadata of a model.zip (and its ONNX export) just written, with this sha256; its version is made of both. */
    public static ModelMetadata create(String modelSha256, OnnxFile onnx, Instant createdAt, List<String> classes,
                                       int imageSize, double alpha, boolean pretrained, String weightsSha256,
                                       Map<String, Object> training) {
        return new ModelMetadata(VERSION_TIME.format(createdAt) + "-" + modelSha256.substring(0, 10), modelSha256,
                classes, imageSize, alpha, pretrained, weightsSha256, DateTimeFormatter.ISO_INSTANT.format(createdAt),
                training, onnx);
    }

    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model_version", version);
        m.put("model_sha256", modelSha256);
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
        if (onnx != null) {
            m.put("onnx", onnx);
        }
        m.put("created_at", createdAt);
        return Json.write(m);
    }

    /** @throws IllegalArgumentException when it is no JSON, a field is missing, or the classes are fewer than 2 or repeated */
    public static ModelMetadata fromJson(String json) {
        try {
            JsonNode n = Json.read(json);
            List<String> classes = new ArrayList<>();
            n.get("classes").forEach(c -> classes.add(c.asText()));
            JsonNode base = n.get("base");
            return new ModelMetadata(n.get("model_version").asText(), textOrNull(n.get("model_sha256")), classes,
                    n.get("image_size").asInt(), base.get("alpha").asDouble(), base.get("pretrained").asBoolean(),
                    textOrNull(base.get("weights_sha256")), n.get("created_at").asText(), Json.toMap(n.get("training")),
                    OnnxFile.fromJson(n.get("onnx")));
        } catch (IllegalArgumentException e) {
            throw e; // worded already: not JSON, or the classes
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a model metadata.json: " + e.getMessage(), e);
        }
    }

    private static String textOrNull(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }
}
