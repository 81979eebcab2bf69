package org.facemask.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * The one preprocessing function of every job: size x size RGB bytes (as {@link org.facemask.image.ImageLoader}
 * makes them) to the network's input, float {@code x / 127.5 - 1} (Keras's MobileNetV2 "tf" mode), NCHW.
 */
public final class Preprocessing {
    private Preprocessing() {
    }

    public static float normalise(byte value) {
        return (value & 0xFF) / 127.5f - 1f;
    }

    /**
     * @param images RGB, row-major, interleaved, {@code size * size * 3} bytes each
     * @return {@code [images.size(), 3, size, size]} float32
     */
    public static INDArray toInput(List<byte[]> images, int size) {
        return Nd4j.create(toNchw(images, size), new long[]{images.size(), 3, size, size}, DataType.FLOAT);
    }

    /** The same values as {@link #toInput}, as a flat NCHW array. */
    public static float[] toNchw(List<byte[]> images, int size) {
        java.nio.FloatBuffer out = java.nio.FloatBuffer.allocate(images.size() * 3 * size * size);
        toNchw(images, size, out);
        return out.array();
    }

    /**
     * Writes the values of {@link #toInput} into {@code out} from position 0 (for engines that take a buffer: a
     * direct buffer reused across batches saves two copies of every batch).
     */
    public static void toNchw(List<byte[]> images, int size, java.nio.FloatBuffer out) {
        int plane = size * size;
        for (int n = 0; n < images.size(); n++) {
            byte[] rgb = images.get(n);
            if (rgb.length != plane * 3) {
                throw new IllegalArgumentException("image " + n + " has " + rgb.length + " bytes, expected "
                        + plane * 3 + " (" + size + "x" + size + " RGB)");
            }
            int base = n * 3 * plane;
            for (int p = 0; p < plane; p++) {
                out.put(base + p, normalise(rgb[p * 3]));
                out.put(base + plane + p, normalise(rgb[p * 3 + 1]));
                out.put(base + 2 * plane + p, normalise(rgb[p * 3 + 2]));
            }
        }
    }
}
