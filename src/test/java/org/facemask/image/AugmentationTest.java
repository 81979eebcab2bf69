package org.facemask.image;

import org.facemask.testing.TestImages;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.Random;

import static org.facemask.image.ImageDecoderTest.assertColour;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AugmentationTest {
    private static RgbImage quadrants() {
        return new ImageDecoder(1_000_000, JpegDecoder.AUTO).decode(TestImages.encode(
                TestImages.quadrants(64, 64, BufferedImage.TYPE_INT_RGB), "png")).image();
    }

    @Test
    void noVariationIsTheIdentity() {
        RgbImage in = quadrants();
        assertArrayEquals(in.rgb(), new Augmentation(false, 0, 0, 0, 0, Photometric.NONE).apply(in, new Random(1)).rgb());
    }

    @Test
    void flipMirrorsLeftAndRight() {
        Augmentation flipOnly = new Augmentation(true, 0, 0, 0, 0, Photometric.NONE);
        Random random = new Random(3);
        boolean mirrored = false;
        for (int i = 0; i < 10 && !mirrored; i++) {
            RgbImage out = flipOnly.apply(quadrants(), random);
            // red was top-left: mirrored, it is top-right
            mirrored = out.channel(50, 10, 0) == 255 && out.channel(50, 10, 1) == 0;
            if (mirrored) {
                assertColour(out, 10, 10, 0, 255, 0, 0);
            }
        }
        assertEquals(true, mirrored, "a coin flip never came up heads in 10 tries");
    }

    @Test
    void sameSeedSameVariantAndTheSizeIsKept() {
        Augmentation original = new Augmentation(true, 20, 0.15, 0.2, 0, Photometric.NONE);
        RgbImage a = original.apply(quadrants(), new Random(42));
        RgbImage b = original.apply(quadrants(), new Random(42));
        RgbImage c = original.apply(quadrants(), new Random(43));
        assertEquals(64, a.width());
        assertEquals(64, a.height());
        assertArrayEquals(a.rgb(), b.rgb());
        assertFalse(java.util.Arrays.equals(a.rgb(), c.rgb()));
    }

    /** Down to as few as 8 pixels and back: the quadrants' colours stay, their sharp border blurs in some variants. */
    @Test
    void lowResolutionBlursButKeepsTheColoursAndSize() {
        Augmentation lowRes = new Augmentation(false, 0, 0, 0, 8, Photometric.NONE);
        Random random = new Random(5);
        int blurred = 0;
        for (int i = 0; i < 20; i++) {
            RgbImage out = lowRes.apply(quadrants(), random);
            assertEquals(64, out.width());
            assertEquals(64, out.height());
            assertColour(out, 4, 4, 255, 0, 0, 40);
            // right at the border between red (left) and green (right) a sharp image has pure red
            if (out.channel(31, 4, 1) > 40) {
                blurred++;
            }
        }
        assertTrue(blurred >= 5 && blurred < 20, "blurred variants: " + blurred + " of 20");
    }

    @Test
    void photometricChangesColourAndQualityNotGeometryAndIsReproducible() {
        RgbImage in = quadrants();
        Photometric strong = new Photometric(0.4, 0.4, 0.4, 2.0, 20);
        Augmentation colourOnly = new Augmentation(false, 0, 0, 0, 0, strong);
        RgbImage a = colourOnly.apply(in, new Random(3));
        assertArrayEquals(a.rgb(), colourOnly.apply(in, new Random(3)).rgb());
        int changed = 0;
        for (int seed = 0; seed < 20; seed++) {
            RgbImage out = colourOnly.apply(in, new Random(seed));
            assertEquals(in.width(), out.width());
            changed += java.util.Arrays.equals(in.rgb(), out.rgb()) ? 0 : 1;
        }
        assertTrue(changed >= 19, changed + " of 20 variants changed");
        // brightness alone scales the mean grey by a factor in [0.6, 1.4]
        Augmentation brighter = new Augmentation(false, 0, 0, 0, 0, new Photometric(0.4, 0, 0, 0, 0));
        for (int seed = 0; seed < 10; seed++) {
            double ratio = meanAll(brighter.apply(in, new Random(seed))) / meanAll(in);
            assertTrue(ratio > 0.55 && ratio < 1.45, "ratio " + ratio);
        }
    }

    private static double meanAll(RgbImage img) {
        double sum = 0;
        for (byte b : img.rgb()) {
            sum += b & 0xff;
        }
        return sum / img.rgb().length;
    }
}
