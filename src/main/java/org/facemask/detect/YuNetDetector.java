package org.facemask.detect;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.facemask.image.RgbImage;
import org.facemask.model.OnnxModel;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * YuNet (Shiqi Yu's face detector, OpenCV Zoo's 2023 multi-stride ONNX export) run by ONNX Runtime. The OpenCV
 * build on our class path (bytedeco 4.5.5) has FaceDetectorYN, but it parses only YuNet's older single-output
 * format; this model needs OpenCV 4.8+. ONNX Runtime is already here for inference, so its outputs are decoded
 * the way OpenCV 4.8's FaceDetectorYN does: for each stride s and grid cell (row, col), score =
 * sqrt(cls * obj), centre = ((col, row) + offset) * s, size = exp(log size) * s.
 */
final class YuNetDetector implements FaceDetector {
    private static final int[] STRIDES = {8, 16, 32};
    private final OrtSession session;
    private final float minScore;

    YuNetDetector(byte[] onnx, float minScore) {
        this.minScore = minScore;
        try {
            this.session = OnnxModel.newSession(onnx, 1);
        } catch (OrtException e) {
            throw new IllegalArgumentException("not a YuNet ONNX model: " + e.getMessage(), e);
        }
    }

    @Override
    public List<FaceBox> detect(RgbImage image) {
        // the network's strides need sides that are multiples of 32: pad right and bottom with black
        int width = (image.width() + 31) / 32 * 32;
        int height = (image.height() + 31) / 32 * 32;
        float[] input = new float[3 * width * height];
        byte[] rgb = image.rgb();
        int plane = width * height;
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                int src = (y * image.width() + x) * 3;
                int dst = y * width + x;
                input[dst] = rgb[src + 2] & 0xFF; // planes in OpenCV's BGR order, 0-255
                input[plane + dst] = rgb[src + 1] & 0xFF;
                input[2 * plane + dst] = rgb[src] & 0xFF;
            }
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), new long[]{1, 3, height, width});
             OrtSession.Result result = session.run(Map.of(session.getInputNames().iterator().next(), tensor))) {
            List<FaceBox> boxes = new ArrayList<>();
            for (int stride : STRIDES) {
                decode(stride, width / stride, height / stride, floats(result, "cls_" + stride),
                        floats(result, "obj_" + stride), floats(result, "bbox_" + stride), minScore, boxes);
            }
            return boxes;
        } catch (OrtException e) {
            throw new IllegalStateException("YuNet failed on a " + image.width() + "x" + image.height() + " image: "
                    + e.getMessage(), e);
        }
    }

    private static float[] floats(OrtSession.Result result, String name) throws OrtException {
        OnnxTensor t = (OnnxTensor) result.get(name).orElseThrow(
                () -> new IllegalStateException("YuNet model has no output '" + name + "'"));
        FloatBuffer b = t.getFloatBuffer();
        float[] a = new float[b.remaining()];
        b.get(a);
        return a;
    }

    /** One stride's grid of predictions to boxes scoring at least {@code minScore}. */
    static void decode(int stride, int cols, int rows, float[] cls, float[] obj, float[] bbox, float minScore,
                       List<FaceBox> out) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int i = r * cols + c;
                float score = (float) Math.sqrt(clamp(cls[i]) * clamp(obj[i]));
                if (score < minScore) {
                    continue;
                }
                double cx = (c + bbox[4 * i]) * stride;
                double cy = (r + bbox[4 * i + 1]) * stride;
                double w = Math.exp(bbox[4 * i + 2]) * stride;
                double h = Math.exp(bbox[4 * i + 3]) * stride;
                out.add(new FaceBox(cx - w / 2, cy - h / 2, w, h, score));
            }
        }
    }

    private static float clamp(float p) {
        return Math.min(1f, Math.max(0f, p));
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            // frees native memory only
        }
    }
}
