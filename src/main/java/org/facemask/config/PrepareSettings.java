package org.facemask.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * @param inputs         one or more sources, each a folder tree with one sub-folder per class or a Pascal VOC folder
 *                       ({@code images/} + {@code annotations/}), on {@code file://}, {@code hdfs://} or {@code s3a://}
 * @param output         where images/, rejects/ and summary.json go
 * @param overwrite      replace an existing output; otherwise an existing output is refused
 * @param split          train/val/test fractions, applied per class
 * @param seed           seeds the content hash that orders images for splitting
 * @param partitions     Spark partitions for decoding; 0 picks one from the file count and the cluster's parallelism
 * @param listingThreads class folders listed at once on the driver
 * @param faces          how the annotated faces of a VOC source become training images
 */
public record PrepareSettings(List<URI> inputs, URI output, boolean overwrite, SplitRatios split, long seed,
                              int partitions, int listingThreads, FaceSource faces) {

    /** What happens to faces annotated as worn incorrectly (VOC label {@code mask_weared_incorrect}). */
    public enum IncorrectMask {
        /** rejected with reason dropped_label: the two-class model learns only clear cases */
        DROP,
        /** kept as a class of its own */
        KEEP
    }

    /**
     * @param margin        each side of an annotated box is widened by this fraction before cropping: faces.margin,
     *                      the margin per-face scoring crops with, so training and scoring crops look alike
     * @param minSize       faces whose shorter annotated side is under this many pixels are rejected (face_too_small)
     * @param incorrectMask what becomes of faces annotated mask_weared_incorrect
     */
    public record FaceSource(double margin, int minSize, IncorrectMask incorrectMask) implements java.io.Serializable {
    }

    /** The key the inputs were set with, for messages: prepare.input (one source) or prepare.inputs. */
    public String inputKey() {
        return inputs.size() == 1 ? "prepare.input" : "prepare.inputs";
    }

    /** @param faceMargin faces.margin: the one crop margin of scoring and of training from annotated photos */
    public static PrepareSettings from(Config c, double faceMargin) {
        return new PrepareSettings(
                inputs(c),
                StorageUri.parse("prepare.output", c.getString("output")),
                c.getBoolean("overwrite"),
                SplitRatios.from(c.getConfig("split")),
                Checks.wholeNumber(c, "prepare.seed"),
                Checks.intIn(c, "prepare.partitions", 0, 100_000),
                Checks.intIn(c, "prepare.listing-threads", 1, 256),
                new FaceSource(Checks.fraction("faces.margin", faceMargin),
                        Checks.intIn(c, "prepare.faces.min-size", 1, 10_000),
                        Checks.oneOf("prepare.faces.incorrect-mask", c.getString("faces.incorrect-mask"),
                                IncorrectMask.class)));
    }

    /** prepare.input (one source) or prepare.inputs (a list); exactly one of them set, no source twice. */
    private static List<URI> inputs(Config c) {
        boolean single = !c.getString("input").isBlank();
        if (c.getValue("inputs").valueType() != ConfigValueType.LIST) {
            throw new ConfigError("prepare.inputs must be a list of locations, e.g. [\"/data/faces\", \"/data/voc\"]");
        }
        List<String> list = c.getStringList("inputs");
        if (single && !list.isEmpty()) {
            throw new ConfigError("set prepare.input (one source) or prepare.inputs (a list), not both");
        }
        if (!single && list.isEmpty()) {
            throw new ConfigError("prepare.input must be set (it is empty), or prepare.inputs to a list of sources");
        }
        if (single) {
            return List.of(StorageUri.parse("prepare.input", c.getString("input")));
        }
        List<URI> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            URI uri = StorageUri.parse("prepare.inputs[" + i + "]", list.get(i));
            if (out.contains(uri)) {
                throw new ConfigError("prepare.inputs names " + uri + " twice");
            }
            out.add(uri);
        }
        return List.copyOf(out);
    }
}
