package org.facemask.model;

import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.facemask.config.ModelSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MobileNetV2 base with its weights loaded, and what the model's metadata must say about it.
 *
 * @param graph         DL4J graph from the input to {@link MobileNetV2#FEATURES}
 * @param weightsSha256 sha256 of the weights file, null when randomly initialised
 * @param weightsFile   the weights file, null when randomly initialised
 */
public record Backbone(ComputationGraph graph, double alpha, int imageSize, String weightsSha256, String weightsFile) {
    private static final Logger LOG = LoggerFactory.getLogger(Backbone.class);

    public boolean pretrained() {
        return weightsSha256 != null;
    }

    public int featureSize() {
        return MobileNetV2.featureSize(alpha);
    }

    public static Backbone create(ModelSettings model, int imageSize, BaseWeightsSource weights, long seed,
                                  Configuration hadoop) {
        ComputationGraph graph = new ComputationGraph(MobileNetV2.backbone(model.alpha(), imageSize, seed));
        graph.init();
        if (!weights.pretrained()) {
            return new Backbone(graph, model.alpha(), imageSize, null, null);
        }
        long start = System.nanoTime();
        String sha = KerasWeights.load(weights.localCopy(hadoop), graph);
        LOG.info("loaded MobileNetV2(alpha {}) ImageNet weights from {}{} (sha256 {}) in {} ms", model.alpha(),
                weights.shipped() ? "the copy shipped with the project, " : "", weights.file(), sha,
                (System.nanoTime() - start) / 1_000_000);
        return new Backbone(graph, model.alpha(), imageSize, sha, weights.file().toString());
    }
}
