package org.facemask.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.net.URI;
import java.util.Map;

/** The JSON files of the pipeline (summary.json, metadata.json, metrics.json, ...): indented, read back as trees. */
public final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not serialisable as JSON: " + e.getMessage(), e);
        }
    }

    public static JsonNode read(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> toMap(Object value) {
        return MAPPER.convertValue(value, Map.class);
    }

    /** A tree read by {@link #read} (or a map) as a typed value, e.g. a {@code Map<String, Long>}. */
    public static <T> T convert(Object tree, TypeReference<T> type) {
        return MAPPER.convertValue(tree, type);
    }

    /** A tree read by {@link #read} (or a map) as a record or class Jackson binds. */
    public static <T> T convert(Object tree, Class<T> type) {
        return MAPPER.convertValue(tree, type);
    }

    public static void writeFile(URI uri, Object value, org.apache.hadoop.conf.Configuration conf) {
        Storage.writeString(uri, write(value), conf);
    }
}
