package org.facemask.config;

import com.typesafe.config.Config;

/**
 * How images are decoded and resized, shared by every job so training and scoring see identical pixels.
 *
 * @param size      side of the square the network takes (224 is MobileNetV2's native size; the original work used 200)
 * @param maxPixels decompression-bomb guard: images whose header declares more pixels are rejected undecoded
 */
public record ImageSettings(int size, long maxPixels) implements java.io.Serializable {
    public static ImageSettings from(Config c) {
        return new ImageSettings(
                Checks.intIn("image.size", c.getInt("size"), 32, 1024),
                Checks.positive("image.max-pixels", c.getLong("max-pixels")));
    }
}
