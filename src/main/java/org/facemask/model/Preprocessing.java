package org.facemask.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * The one preprocessing function of every job: size x size RGB bytes (as {@link org.facemask.image.ImageLoader}
 * makes them) to the network's input, float {@code x / 127.5 - 1} (Keras's MobileNetV2 "tf" mode), NCHW. DL4J is
 * given this array; the ONNX graphs take the bytes and compute the same values themselves ({@link OnnxExporter}).
 */
public final class Preprocessing {
    private Preprocessing() {
    }

    /** {@code x / 127.5 - 1} of every byte value, so the per-pixel loop is a table lookup. */
    private static final float[] NORMALISED = new float[256];

    static {
        for (int v = 0; v < 256; v++) {
            NORMALISED[v] = v / 127.5f - 1f;
        }
    }

    /**
     * @param images RGB, row-major, interleaved, {@code size * size * 3} bytes each
     * @return {@code [images.size(), 3, size, size]} float32
     */
    public static INDArray toInput(List<byte[]> images, int size) {
        return Nd4j.create(toNchw(images, size), new long[]{images.size(), 3, size, size}, DataType.FLOAT);
    }

    /** Image {@code n} of a batch, refused unless it is size x size RGB: what every engine's input assumes. */
    static byte[] requireSize(List<byte[]> images, int n, int size) {
        byte[] rgb = images.get(n);
        if (rgb.length != size * size * 3) {
            throw new IllegalArgumentException("image " + n + " has " + rgb.length + " bytes, expected "
                    + size * size * 3 + " (" + size + "x" + size + " RGB)");
        }
        return rgb;
    }

    /** The same values as {@link #toInput}, as a flat NCHW array. */
    public static float[] toNchw(List<byte[]> images, int size) {
        int plane = size * size;
        float[] out = new float[images.size() * 3 * plane];
        for (int n = 0; n < images.size(); n++) {
            byte[] rgb = requireSize(images, n, size);
            int base = n * 3 * plane;
            for (int p = 0, i = 0; p < plane; p++, i += 3) {
                out[base + p] = NORMALISED[rgb[i] & 0xFF];
                out[base + plane + p] = NORMALISED[rgb[i + 1] & 0xFF];
                out[base + 2 * plane + p] = NORMALISED[rgb[i + 2] & 0xFF];
            }
        }
        return out;
    }
}
