package org.facemask.image;

import org.facemask.config.ImageSettings;
import org.facemask.testing.TestImages;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;

import static org.facemask.image.ImageDecoderTest.assertColour;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class ImageResizerTest {
    @Test
    void shrinkingAveragesAreasInsteadOfAliasing() {
        // 1-pixel black/white stripes: point sampling would give pure black or white, area averaging grey
        int w = 200;
        byte[] rgb = new byte[w * w * 3];
        for (int y = 0; y < w; y++) {
            for (int x = 0; x < w; x++) {
                byte v = (byte) (x % 2 == 0 ? 255 : 0);
                int p = (y * w + x) * 3;
                rgb[p] = v;
                rgb[p + 1] = v;
                rgb[p + 2] = v;
            }
        }
        RgbImage small = ImageResizer.squareResize(new RgbImage(w, w, rgb), 50);
        assertEquals(50, small.width());
        assertEquals(50, small.height());
        for (int x = 0; x < 50; x++) {
            assertColour(small, x, 25, 128, 128, 128, 1);
        }
    }

    @Test
    void squashesToTheSquareKeepingLayout() {
        RgbImage wide = new ImageDecoder(1_000_000, JpegDecoder.AUTO).decode(TestImages.encode(
                TestImages.quadrants(300, 100, BufferedImage.TYPE_INT_RGB), "png")).image();
        RgbImage square = ImageResizer.squareResize(wide, 64);
        assertColour(square, 10, 10, 255, 0, 0, 0);
        assertColour(square, 50, 10, 0, 255, 0, 0);
        assertColour(square, 10, 50, 0, 0, 255, 0);
        RgbImage enlarged = ImageResizer.squareResize(wide, 400);
        assertColour(enlarged, 390, 390, 255, 255, 255, 0);
    }

    @Test
    void imageAlreadyAtSizeIsKept() {
        RgbImage img = new RgbImage(2, 2, new byte[12]);
        assertSame(img, ImageResizer.squareResize(img, 2));
    }

    @Test
    void loaderGivesNetworkSizedPixelsAndTheOriginalSize() {
        ImageLoader loader = new ImageLoader(new ImageSettings(32, 1_000_000));
        ImageLoader.Loaded loaded = loader.load(TestImages.encode(
                TestImages.quadrants(90, 60, BufferedImage.TYPE_INT_RGB), "bmp"));
        assertEquals(ImageFormat.BMP, loaded.format());
        assertEquals(90, loaded.originalWidth());
        assertEquals(60, loaded.originalHeight());
        assertEquals(32 * 32 * 3, loaded.pixels().rgb().length);
    }
}
