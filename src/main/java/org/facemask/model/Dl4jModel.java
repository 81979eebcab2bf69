package org.facemask.model;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The DL4J base as a {@link InferenceModel}. A ComputationGraph is not safe for concurrent use, so calls are
 * serialised: one network per JVM, and ND4J spreads each forward pass over the cores itself.
 */
public final class Dl4jModel implements InferenceModel {
    private final ComputationGraph graph;
    private final int imageSize;

    public Dl4jModel(ComputationGraph graph, int imageSize) {
        this.graph = graph;
        this.imageSize = imageSize;
    }

    @Override
    public synchronized float[][] run(List<byte[]> images) {
        INDArray out = graph.outputSingle(false, Preprocessing.toInput(images, imageSize));
        // a convolutional output (the activations fine-tuning trains on) becomes one row per image, channels first
        return out.reshape('c', out.size(0), out.length() / out.size(0)).toFloatMatrix();
    }

    /** The network as bytes, to ship it to executors once (a Spark broadcast) instead of a file path. */
    public static byte[] serialize(ComputationGraph graph) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ModelSerializer.writeModel(graph, out, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Rebuilds the network (on an executor: with the oneDNN helpers, which need to be on before layers exist). */
    public static ComputationGraph deserialize(byte[] bytes) {
        Dl4jOneDnn.enable();
        try {
            return ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(bytes), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
