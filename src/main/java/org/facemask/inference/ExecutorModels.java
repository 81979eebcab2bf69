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
    /**
     * By the driver's key for the network ({@link SparkInference}), not the broadcast's id: ids start again at 0 in
     * each SparkContext, and a JVM that stops its session and starts another (a notebook, a test suite, local mode)
     * would otherwise be handed the previous context's network for the new one's broadcast 0.
     */
    private static final Map<String, InferenceModel> MODELS = new ConcurrentHashMap<>();

    private ExecutorModels() {
    }

    public static InferenceModel model(String key, InferenceEngine engine, Broadcast<byte[]> model, int imageSize,
                                       int threads) {
        return MODELS.computeIfAbsent(key, k -> engine.load(model.value(), imageSize, threads));
    }

    /** Frees the native memory of a model whose broadcast is being destroyed (local mode shares this JVM). */
    public static void forget(String key) {
        InferenceModel m = MODELS.remove(key);
        if (m instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                // only native memory is at stake
            }
        }
    }
}
