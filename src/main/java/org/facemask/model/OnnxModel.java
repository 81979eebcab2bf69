package org.facemask.model;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
    private final ConcurrentLinkedDeque<Session> idle = new ConcurrentLinkedDeque<>();

    /** A session and the direct input buffer it reuses (ONNX Runtime reads a direct buffer without copying it). */
    private static final class Session {
        final OrtSession ort;
        ByteBuffer input = ByteBuffer.allocateDirect(0);

        Session(OrtSession ort) {
            this.ort = ort;
        }

        /** The images' bytes, back to back, as the graph's uint8 NHWC input ({@link OnnxExporter}). */
        ByteBuffer input(List<byte[]> images, int imageSize) {
            int batchBytes = images.size() * imageSize * imageSize * 3;
            if (input.capacity() < batchBytes) {
                input = ByteBuffer.allocateDirect(batchBytes).order(ByteOrder.nativeOrder());
            }
            input.clear();
            for (int n = 0; n < images.size(); n++) {
                input.put(Preprocessing.requireSize(images, n, imageSize));
            }
            return input.flip();
        }
    }

    public OnnxModel(byte[] model, int imageSize, int threadsPerSession) {
        this.model = model;
        this.imageSize = imageSize;
        this.threadsPerSession = threadsPerSession;
    }

    @Override
    public float[][] run(List<byte[]> images) {
        Session session = idle.pollFirst();
        try {
            if (session == null) {
                session = new Session(newSession(model, threadsPerSession));
            }
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            ByteBuffer input = session.input(images, imageSize);
            try (OnnxTensor tensor = OnnxTensor.createTensor(env, input,
                    new long[]{images.size(), imageSize, imageSize, 3}, OnnxJavaType.UINT8);
                 OrtSession.Result result = session.ort.run(Map.of(OnnxExporter.INPUT, tensor))) {
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

    /** An ONNX Runtime session as every model of this project runs: {@code threads} intra-op threads, sequential. */
    public static OrtSession newSession(byte[] model, int threads) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return OrtEnvironment.getEnvironment().createSession(model, options);
        }
    }

    @Override
    public void close() {
        Session s;
        while ((s = idle.pollFirst()) != null) {
            try {
                s.ort.close();
            } catch (OrtException e) {
                // closing frees native memory; nothing useful to do if it fails
            }
        }
    }
}
