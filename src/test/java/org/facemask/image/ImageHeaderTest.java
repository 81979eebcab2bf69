package org.facemask.image;

import org.facemask.testing.TestImages;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ImageHeaderTest {
    @Test
    void readsDeclaredSizeOfEachFormatWithoutDecoding() {
        BufferedImage img = TestImages.quadrants(123, 45, BufferedImage.TYPE_INT_RGB);
        for (String format : new String[]{"jpg", "png", "gif", "bmp"}) {
            ImageHeader h = ImageHeader.read(TestImages.encode(img, format));
            assertEquals(123, h.width(), format);
            assertEquals(45, h.height(), format);
        }
        ImageHeader webp = ImageHeader.read(TestImages.webp(img));
        assertEquals(ImageFormat.WEBP, webp.format());
        assertEquals(123, webp.width());
        assertEquals(45, webp.height());
    }

    @Test
    void formatComesFromContentNotName() {
        assertEquals(ImageFormat.PNG, ImageFormat.sniff(TestImages.encode(
                TestImages.quadrants(4, 4, BufferedImage.TYPE_INT_RGB), "png")));
        assertEquals(null, ImageFormat.sniff("GIF".getBytes()));
    }
}
