package org.facemask.inference;

import org.apache.spark.broadcast.Broadcast;
import org.facemask.model.InferenceEngine;
import org.facemask.model.InferenceModel;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One model per executor JVM: the first task to need a network builds it from the broadcast bytes, every later
 * task of any stage reuses it.
 */
public final class ExecutorModels {
    private static final Map<Long, InferenceModel> MODELS = new ConcurrentHashMap<>();

    private ExecutorModels() {
    }

    public static InferenceModel model(InferenceEngine engine, Broadcast<byte[]> model, int imageSize, int threads) {
        return MODELS.computeIfAbsent(model.id(), id -> engine.load(model.value(), imageSize, threads));
    }

    /** Frees the native memory of a model whose broadcast is being destroyed (local mode shares this JVM). */
    public static void forget(long broadcastId) {
        InferenceModel m = MODELS.remove(broadcastId);
        if (m instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                // only native memory is at stake
            }
        }
    }
}
