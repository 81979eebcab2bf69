package org.facemask.prepare;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.hadoop.conf.Configuration;
import org.facemask.storage.Json;
import org.facemask.storage.Storage;

import java.net.URI;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What summary.json says about one prepare run, written ({@link #write}) and read ({@link #fromJson}) here only. {@code accepted + rejected == files} always holds: prepare refuses
 * to finish otherwise. A "file" is a file of a folder-per-class source, or an annotated face (or a photo or
 * annotation that could not be paired) of a VOC source.
 *
 * @param files            every item found in the sources: each file and each entry the listing rejected unopened
 *                         (a hidden folder, a FIFO, a symbolic-link loop: one entry each), each annotated face
 * @param accepted         images written to images/
 * @param rejected         items written to rejects/
 * @param duplicates       the part of {@code rejected} that were byte-identical copies of a kept image
 * @param classes          ordered class list (class folder names and face labels, sorted)
 * @param splits           accepted images per split ("train", "val", "test") and class
 * @param rejectedByReason rejected items per reason code ("hidden" counts the skipped dot-files and dot-folders)
 * @param sources          per input location: its kind and counts
 * @param imageSize        side of the stored square pixels
 * @param seed             split seed
 * @param seconds          wall time of the stage, to 0.1 s
 */
public record PrepareSummary(long files, long accepted, long rejected, long duplicates, List<String> classes,
                             Map<String, Map<String, Long>> splits, Map<String, Long> rejectedByReason,
                             Map<String, Source> sources, int imageSize, long seed, double seconds) {
    /** Rounded to 0.1 s, as summary.json writes it, so that a summary read back equals the one written. */
    public PrepareSummary {
        seconds = Math.round(seconds * 10) / 10.0;
    }

    /**
     * One input's part of the prepared set.
     *
     * @param kind             folders (one sub-folder per class) or voc (annotated photos)
     * @param splits           accepted images of this source per split and class
     * @param rejectedByReason rejected items of this source per reason code
     */
    public record Source(String kind, long accepted, long rejected, Map<String, Map<String, Long>> splits,
                         Map<String, Long> rejectedByReason) {
        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", kind);
            m.put("files", accepted + rejected);
            m.put("accepted", accepted);
            m.put("rejected", rejected);
            m.put("splits", splits);
            m.put("rejected_by_reason", rejectedByReason);
            return m;
        }
    }

    /** Counts per split with the splits' codes as keys, as summary.json writes them. */
    static Map<String, Map<String, Long>> byCode(Map<Split, Map<String, Long>> counts) {
        Map<String, Map<String, Long>> out = new LinkedHashMap<>();
        counts.forEach((split, perClass) -> out.put(split.code(), perClass));
        return out;
    }

    /** Each class's share of the accepted images, rounded to 0.001: how balanced the training data is. */
    static Map<String, Double> shares(Map<?, Map<String, Long>> counts) {
        Map<String, Long> perClass = new TreeMap<>();
        counts.values().forEach(m -> m.forEach((c, n) -> perClass.merge(c, n, Long::sum)));
        long all = perClass.values().stream().mapToLong(Long::longValue).sum();
        Map<String, Double> out = new TreeMap<>();
        perClass.forEach((c, n) -> out.put(c, all == 0 ? 0.0 : Math.round(1000.0 * n / all) / 1000.0));
        return out;
    }

    /** Writes summary.json into the prepared dataset's folder {@code dir}. */
    public void write(URI dir, Configuration hadoop) {
        Storage.writeString(Storage.child(dir, PreparedColumns.SUMMARY_FILE), toJson(), hadoop);
    }

    /**
     * Reads what {@link #toJson} wrote (the shares, inputs and per-source files it adds are derived, so not read).
     *
     * @throws IllegalArgumentException when the text is not such a summary, naming the missing field
     */
    public static PrepareSummary fromJson(String json) {
        JsonNode root = Json.read(json);
        Map<String, Source> sources = new LinkedHashMap<>();
        field(root, "sources").fields().forEachRemaining(e -> sources.put(e.getKey(), new Source(
                field(e.getValue(), "kind").asText(), field(e.getValue(), "accepted").asLong(),
                field(e.getValue(), "rejected").asLong(), Json.convert(field(e.getValue(), "splits"), SPLITS),
                Json.convert(field(e.getValue(), "rejected_by_reason"), COUNTS))));
        return new PrepareSummary(field(root, "files").asLong(), field(root, "accepted").asLong(),
                field(root, "rejected").asLong(), field(root, "duplicates").asLong(),
                List.copyOf(Json.convert(field(root, "classes"), new TypeReference<List<String>>() { })),
                Json.convert(field(root, "splits"), SPLITS), Json.convert(field(root, "rejected_by_reason"), COUNTS),
                sources, field(root, "image_size").asInt(), field(root, "seed").asLong(), field(root, "seconds").asDouble());
    }

    private static final TypeReference<LinkedHashMap<String, Map<String, Long>>> SPLITS = new TypeReference<>() { };
    private static final TypeReference<LinkedHashMap<String, Long>> COUNTS = new TypeReference<>() { };

    private static JsonNode field(JsonNode node, String name) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("no \"" + name + "\" in " + PreparedColumns.SUMMARY_FILE);
        }
        return value;
    }

    String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("files", files);
        m.put("accepted", accepted);
        m.put("rejected", rejected);
        m.put("duplicates", duplicates);
        m.put("classes", classes);
        m.put("splits", splits);
        m.put("class_balance", shares(splits));
        m.put("rejected_by_reason", rejectedByReason);
        Map<String, Object> perSource = new LinkedHashMap<>();
        sources.forEach((location, source) -> perSource.put(location, source.toMap()));
        m.put("sources", perSource);
        m.put("image_size", imageSize);
        m.put("seed", seed);
        m.put("inputs", List.copyOf(sources.keySet()));
        m.put("seconds", seconds);
        return Json.write(m);
    }
}
