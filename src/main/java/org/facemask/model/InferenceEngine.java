package org.facemask.model;

import org.deeplearning4j.nn.graph.ComputationGraph;

import java.io.Serializable;
import java.util.Locale;

/**
 * Which runtime executes a network for inference: ONNX Runtime (fast; the default) or DL4J (the reference, and what
 * training runs on). A network is shipped to executors as the engine's own bytes ({@link #serialize}) and rebuilt
 * there once per JVM ({@link #load}).
 */
public enum InferenceEngine implements Serializable {
    ONNXRUNTIME, DL4J;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public byte[] serialize(ComputationGraph graph, int imageSize) {
        return this == ONNXRUNTIME ? OnnxExporter.export(graph, imageSize) : Dl4jModel.serialize(graph);
    }

    /** @param threads ONNX Runtime threads per session; DL4J uses ND4J's own thread pool */
    public InferenceModel load(byte[] model, int imageSize, int threads) {
        return this == ONNXRUNTIME ? new OnnxModel(model, imageSize, threads)
                : new Dl4jModel(Dl4jModel.deserialize(model), imageSize);
    }
}
