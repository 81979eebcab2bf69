package org.facemask.featurize;

import org.apache.spark.broadcast.Broadcast;
import org.facemask.model.InferenceEngine;
import org.facemask.model.FeatureExtractor;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One model per executor JVM: the first task to need a network builds it from the broadcast bytes, every later
 * task of any stage reuses it.
 */
final class ExecutorModels {
    private static final Map<Long, FeatureExtractor> EXTRACTORS = new ConcurrentHashMap<>();

    private ExecutorModels() {
    }

    static FeatureExtractor extractor(InferenceEngine engine, Broadcast<byte[]> model, int imageSize, int threads) {
        return EXTRACTORS.computeIfAbsent(model.id(), id -> engine.load(model.value(), imageSize, threads));
    }
}
