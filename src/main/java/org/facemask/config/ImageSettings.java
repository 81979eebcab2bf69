package org.facemask.config;

import com.typesafe.config.Config;
import org.facemask.image.JpegDecoder;

/**
 * How images are decoded and resized, shared by every job so training and scoring see identical pixels.
 *
 * @param size        side of the square the network takes (224 is MobileNetV2's native size; the original work used 200)
 * @param maxPixels   decompression-bomb guard: images whose header declares more pixels are rejected undecoded
 * @param jpegDecoder which library decodes JPEGs; the pixels are the same either way, only the speed differs
 */
public record ImageSettings(int size, long maxPixels, JpegDecoder jpegDecoder) implements java.io.Serializable {
    /** With {@link JpegDecoder#AUTO}. */
    public ImageSettings(int size, long maxPixels) {
        this(size, maxPixels, JpegDecoder.AUTO);
    }

    public static ImageSettings from(Config c) {
        JpegDecoder jpegDecoder = Checks.oneOf("image.jpeg-decoder", c.getString("jpeg-decoder"), JpegDecoder.class);
        try {
            jpegDecoder.usesTurboJpeg(); // turbojpeg where it cannot be loaded: fail before any Spark work
        } catch (IllegalStateException e) {
            throw new ConfigError(e.getMessage());
        }
        return new ImageSettings(
                Checks.intIn(c, "image.size", 32, 1024),
                Checks.positive(c, "image.max-pixels"),
                jpegDecoder);
    }

    /** The same decoding for a model's own image size (evaluate and score use the size the model was trained at). */
    public ImageSettings withSize(int otherSize) {
        return new ImageSettings(otherSize, maxPixels, jpegDecoder);
    }
}
