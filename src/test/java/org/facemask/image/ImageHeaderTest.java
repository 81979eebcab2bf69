package org.facemask.image;

import org.facemask.testing.TestImages;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void everyGifFrameSizeIsRead() {
        ImageHeader written = ImageHeader.read(TestImages.encode(TestImages.quadrants(30, 20, BufferedImage.TYPE_INT_RGB), "gif"));
        assertEquals(30 * 20, written.largestPixels());
        ImageHeader bomb = ImageHeader.read(TestImages.gifWithFrames(16, new int[]{8, 8}, new int[]{40000, 300}));
        assertEquals(16, bomb.width());
        assertEquals(16 * 16, bomb.pixels());
        assertEquals(40000, bomb.largestWidth());
        assertEquals(300, bomb.largestHeight());
        // cut inside the second frame's descriptor: the first frame is all that was declared
        byte[] cut = TestImages.gifWithFrames(16, new int[]{20, 20}, new int[]{40000, 300});
        assertEquals(20 * 20, ImageHeader.read(java.util.Arrays.copyOf(cut, cut.length - 10)).largestPixels());
    }

    @Test
    void formatComesFromContentNotName() {
        assertEquals(ImageFormat.PNG, ImageFormat.sniff(TestImages.encode(
                TestImages.quadrants(4, 4, BufferedImage.TYPE_INT_RGB), "png")));
        assertEquals(null, ImageFormat.sniff("GIF".getBytes()));
    }

    /** SOI, an SOF segment of the given marker and component count (8x8), SOS, EOI: only the segments matter here. */
    private static byte[] jpegSkeleton(int sofMarker, int components) {
        byte[] sof = new byte[2 + 2 + 6 + 3 * components];
        sof[0] = (byte) 0xFF;
        sof[1] = (byte) sofMarker;
        int length = sof.length - 2;
        sof[2] = (byte) (length >> 8);
        sof[3] = (byte) length;
        sof[4] = 8;
        sof[6] = 8;
        sof[8] = 8;
        sof[9] = (byte) components;
        byte[] out = new byte[2 + sof.length + 4 + 2];
        out[0] = (byte) 0xFF;
        out[1] = (byte) 0xD8;
        System.arraycopy(sof, 0, out, 2, sof.length);
        int sos = 2 + sof.length;
        out[sos] = (byte) 0xFF;
        out[sos + 1] = (byte) 0xDA;
        out[sos + 3] = 2;
        out[out.length - 2] = (byte) 0xFF;
        out[out.length - 1] = (byte) 0xD9;
        return out;
    }

    @Test
    void plainJpegsAreTheOnesTurboJpegDecodesExactlyAsOpenCv() {
        byte[] jpeg = TestImages.encode(TestImages.quadrants(40, 20, BufferedImage.TYPE_INT_RGB), "jpg");
        assertTrue(ImageHeader.isPlainJpeg(jpeg));
        assertTrue(ImageHeader.isPlainJpeg(TestImages.encode(new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY), "jpg")));
        assertTrue(ImageHeader.isPlainJpeg(jpegSkeleton(0xC2, 3)), "progressive");
        // EXIF: OpenCV applies the orientation
        assertFalse(ImageHeader.isPlainJpeg(TestImages.withExifOrientation(jpeg, 1)));
        // CMYK/YCCK: OpenCV converts them itself
        assertFalse(ImageHeader.isPlainJpeg(jpegSkeleton(0xC0, 4)));
        // arithmetic coding and lossless: left to OpenCV
        assertFalse(ImageHeader.isPlainJpeg(jpegSkeleton(0xC9, 3)));
        assertFalse(ImageHeader.isPlainJpeg(jpegSkeleton(0xC3, 3)));
        assertEquals(8, ImageHeader.read(jpegSkeleton(0xC9, 3)).width(), "the skeleton is a readable header");
    }
}
