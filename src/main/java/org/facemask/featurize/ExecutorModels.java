package org.facemask.featurize;

import org.apache.spark.broadcast.Broadcast;
import org.facemask.model.Dl4jFeatureExtractor;
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

    static FeatureExtractor extractor(Broadcast<byte[]> model, int imageSize) {
        return EXTRACTORS.computeIfAbsent(model.id(),
                id -> new Dl4jFeatureExtractor(Dl4jFeatureExtractor.deserialize(model.value()), imageSize));
    }
}
