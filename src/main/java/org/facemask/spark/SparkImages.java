package org.facemask.spark;

import org.apache.spark.ml.image.ImageSchema;
import org.apache.spark.sql.Row;
import org.facemask.image.RgbImage;

/**
 * Spark's image struct ({@code format("image")}: height, width, nChannels, data as rows of BGR, BGRA or grey bytes)
 * as the RGB pixels the scorer takes.
 */
final class SparkImages {
    private SparkImages() {
    }

    /** @return why the struct cannot be scored, or null */
    static String problem(Row image) {
        int channels = image.getInt(image.fieldIndex("nChannels"));
        int width = image.getInt(image.fieldIndex("width"));
        int height = image.getInt(image.fieldIndex("height"));
        byte[] data = (byte[]) image.get(image.fieldIndex("data"));
        if (channels != 1 && channels != 3 && channels != 4) {
            return "not_an_image: image struct with " + channels + " channels (1, 3 or 4 are scored)";
        }
        if (width <= 0 || height <= 0 || data == null || data.length != (long) width * height * channels) {
            return "not_an_image: image struct of " + width + "x" + height + "x" + channels + " holds "
                    + (data == null ? "no" : String.valueOf(data.length)) + " bytes of data";
        }
        return null;
    }

    static RgbImage toRgb(Row image) {
        int channels = image.getInt(image.fieldIndex("nChannels"));
        int width = image.getInt(image.fieldIndex("width"));
        int height = image.getInt(image.fieldIndex("height"));
        byte[] data = ImageSchema.getData(image);
        byte[] rgb = new byte[width * height * 3];
        for (int i = 0, p = 0; i < width * height; i++, p += channels) {
            if (channels == 1) {
                rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = data[p];
            } else { // BGR(A); alpha is flattened onto white, as the decoder does for files
                int alpha = channels == 4 ? data[p + 3] & 0xFF : 255;
                for (int c = 0; c < 3; c++) {
                    int value = data[p + 2 - c] & 0xFF;
                    rgb[3 * i + c] = (byte) ((value * alpha + 255 * (255 - alpha) + 127) / 255);
                }
            }
        }
        return new RgbImage(width, height, rgb);
    }
}
