package org.facemask.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * An exported network ({@link OnnxExporter}) run by ONNX Runtime. Thread-safe: each caller borrows a session from a
 * small pool that grows to the number of concurrent callers (Spark's task slots), each session with
 * {@code threadsPerSession} threads. Two single-threaded sessions beat one two-threaded session on two cores here,
 * because a batch-1 MobileNetV2 layer is too small to split well across threads.
 */
public final class OnnxModel implements InferenceModel, AutoCloseable {
    private final byte[] model;
    private final int imageSize;
    private final int threadsPerSession;
    private final int outputSize;
    private final ConcurrentLinkedDeque<OrtSession> idle = new ConcurrentLinkedDeque<>();

    public OnnxModel(byte[] model, int imageSize, int threadsPerSession) {
        this.model = model;
        this.imageSize = imageSize;
        this.threadsPerSession = threadsPerSession;
        this.outputSize = run(List.of(new byte[imageSize * imageSize * 3]))[0].length;
    }

    @Override
    public float[][] run(List<byte[]> images) {
        OrtSession session = idle.pollFirst();
        try {
            if (session == null) {
                session = newSession();
            }
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            float[] input = Preprocessing.toNchw(images, imageSize);
            try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(input),
                    new long[]{images.size(), 3, imageSize, imageSize});
                 OrtSession.Result result = session.run(Map.of(OnnxExporter.INPUT, tensor))) {
                return (float[][]) result.get(0).getValue();
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime inference failed: " + e.getMessage(), e);
        } finally {
            if (session != null) {
                idle.addFirst(session);
            }
        }
    }

    private OrtSession newSession() throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threadsPerSession);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return OrtEnvironment.getEnvironment().createSession(model, options);
        }
    }

    @Override
    public int outputSize() {
        return outputSize;
    }

    @Override
    public void close() {
        OrtSession s;
        while ((s = idle.pollFirst()) != null) {
            try {
                s.close();
            } catch (OrtException e) {
                // closing frees native memory; nothing useful to do if it fails
            }
        }
    }
}
