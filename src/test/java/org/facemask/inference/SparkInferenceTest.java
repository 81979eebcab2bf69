package org.facemask.inference;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.facemask.model.InferenceEngine;
import org.facemask.model.MobileNetV2;
import org.facemask.model.OnnxExporter;
import org.facemask.model.OnnxModel;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The executors' one-model-per-JVM cache, across Spark sessions of one JVM (a notebook, a test suite). */
class SparkInferenceTest {
    private static final int SIZE = 32;

    /**
     * Broadcast ids start again at 0 in each SparkContext: a second session's first network must not be served the
     * first session's network, still cached (a Spark ML stage keeps its broadcast as long as it lives).
     */
    @Test
    void aSecondSessionInTheSameJvmRunsItsOwnNetwork() {
        byte[] pixels = new byte[SIZE * SIZE * 3];
        new Random(5).nextBytes(pixels);
        ComputationGraph first = network();
        ComputationGraph second = network();
        second.params().muli(1.5); // other weights (batch-norm variances stay positive)

        float[] fromFirstSession = runInATask(first, pixels);
        float[] fromSecondSession = runInATask(second, pixels);

        try (OnnxModel direct = new OnnxModel(OnnxExporter.export(second, SIZE), SIZE, 1)) {
            assertArrayEquals(direct.run(List.of(pixels))[0], fromSecondSession, 1e-5f);
        }
        assertFalse(java.util.Arrays.equals(fromFirstSession, fromSecondSession),
                "the two networks differ, so must their outputs");
    }

    /** In a session of its own, stopped afterwards, with the SparkInference left open as a Spark ML stage leaves it. */
    @SuppressWarnings("resource")
    private static float[] runInATask(ComputationGraph network, byte[] pixels) {
        SparkSession spark = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false").getOrCreate();
        try {
            SparkInference.Handle handle = new SparkInference(spark, network, InferenceEngine.ONNXRUNTIME, SIZE, 1).handle();
            return JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(List.of(1), 1)
                    .map(one -> handle.get().run(List.of(pixels))[0]).collect().get(0);
        } finally {
            spark.stop();
        }
    }

    private static ComputationGraph network() {
        ComputationGraph graph = new ComputationGraph(MobileNetV2.backbone(0.35, SIZE, 1));
        graph.init();
        return graph;
    }
}
