package org.facemask.config;

import com.typesafe.config.Config;

import java.io.Serializable;
import java.util.Set;

/**
 * The classifier: a MobileNetV2 base and a small head.
 *
 * @param alpha       MobileNetV2 width multiplier
 * @param weights     where the base's ImageNet weights come from
 * @param headHidden  units of the head's dense layer
 * @param headDropout dropout rate after it (the fraction dropped, as in Keras)
 * @param engine      runtime for inference (featurize, evaluate, score)
 * @param inferenceThreads ONNX Runtime threads per session; 0 = spark.task.cpus
 * @param inferenceBatch   images per forward pass in featurize, evaluate and score
 */
public record ModelSettings(double alpha, BaseWeights weights, int headHidden, double headDropout,
                            org.facemask.model.InferenceEngine engine, int inferenceThreads, int inferenceBatch)
        implements Serializable {
    static final Set<Double> ALPHAS = Set.of(0.35, 0.5, 0.75, 1.0, 1.3, 1.4);

    /**
     * @param mode     DEFAULT: the Keras cache file, else the copy shipped in the jar (alpha 0.35 at 224 only);
     *                 AUTO: as DEFAULT where one of them is there, else NONE with a warning;
     *                 NONE: random initialisation, the base is then trained too; FILE: the given location
     * @param location the file for DEFAULT and FILE (a path or URI), null otherwise
     */
    public record BaseWeights(Mode mode, String location) implements Serializable {
        public enum Mode { DEFAULT, AUTO, NONE, FILE }
    }

    public static ModelSettings from(Config c) {
        double alpha = c.getDouble("base.alpha");
        if (!ALPHAS.contains(alpha)) {
            throw new ConfigError("model.base.alpha must be one of " + ALPHAS + " (Keras's MobileNetV2 widths), got " + alpha);
        }
        String w = Checks.nonBlank("model.base.weights", c.getString("base.weights"));
        BaseWeights weights = switch (w) {
            case "default" -> new BaseWeights(BaseWeights.Mode.DEFAULT, null);
            case "auto" -> new BaseWeights(BaseWeights.Mode.AUTO, null);
            case "none" -> new BaseWeights(BaseWeights.Mode.NONE, null);
            default -> new BaseWeights(BaseWeights.Mode.FILE, w);
        };
        return new ModelSettings(alpha, weights,
                Checks.intIn(c, "model.head.hidden", 1, 65_536),
                checkDropout(c.getDouble("head.dropout")),
                Checks.oneOf("model.engine", c.getString("engine"), org.facemask.model.InferenceEngine.class),
                Checks.intIn(c, "model.inference-threads", 0, 256),
                Checks.intIn(c, "model.inference-batch", 1, 4096));
    }

    private static double checkDropout(double rate) {
        if (!(rate >= 0 && rate < 1)) {
            throw new ConfigError("model.head.dropout must be at least 0 and below 1, got " + rate);
        }
        return rate;
    }
}
