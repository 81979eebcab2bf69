package org.facemask.image;

import org.facemask.testing.TestImages;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageDecoderTest {
    private final ImageDecoder decoder = new ImageDecoder(10_000_000, JpegDecoder.AUTO);

    /** Quadrant colours survive decoding in RGB order: red top-left, green top-right, blue bottom-left. */
    private static void assertQuadrants(RgbImage img, int tolerance) {
        int w = img.width();
        int h = img.height();
        assertColour(img, w / 4, h / 4, 255, 0, 0, tolerance);
        assertColour(img, 3 * w / 4, h / 4, 0, 255, 0, tolerance);
        assertColour(img, w / 4, 3 * h / 4, 0, 0, 255, tolerance);
        assertColour(img, 3 * w / 4, 3 * h / 4, 255, 255, 255, tolerance);
    }

    static void assertColour(RgbImage img, int x, int y, int r, int g, int b, int tolerance) {
        String at = "pixel (" + x + "," + y + ")";
        assertEquals(r, img.channel(x, y, 0), tolerance, at + " red");
        assertEquals(g, img.channel(x, y, 1), tolerance, at + " green");
        assertEquals(b, img.channel(x, y, 2), tolerance, at + " blue");
    }

    @Test
    void decodesEveryFormatToRgb() {
        BufferedImage src = TestImages.quadrants(64, 48, BufferedImage.TYPE_INT_RGB);
        for (String format : new String[]{"jpg", "png", "bmp", "gif"}) {
            ImageDecoder.Decoded d = decoder.decode(TestImages.encode(src, format));
            assertEquals(64, d.image().width(), format);
            assertEquals(48, d.image().height(), format);
            assertQuadrants(d.image(), format.equals("jpg") ? 12 : 0);
        }
        ImageDecoder.Decoded webp = decoder.decode(TestImages.webp(src));
        assertEquals(ImageFormat.WEBP, webp.header().format());
        assertQuadrants(webp.image(), 20);
    }

    @Test
    void greyBecomesRgb() {
        BufferedImage grey = new BufferedImage(10, 10, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = grey.createGraphics();
        g.setColor(new Color(100, 100, 100));
        g.fillRect(0, 0, 10, 10);
        g.dispose();
        RgbImage img = decoder.decode(TestImages.encode(grey, "png")).image();
        assertColour(img, 5, 5, 100, 100, 100, 0);
    }

    @Test
    void sixteenBitPngIsScaledNotTruncated() {
        BufferedImage deep = new BufferedImage(8, 8, BufferedImage.TYPE_USHORT_GRAY);
        short[] data = ((java.awt.image.DataBufferUShort) deep.getRaster().getDataBuffer()).getData();
        java.util.Arrays.fill(data, (short) 0xC000); // 49152 of 65535 = 75%
        RgbImage img = decoder.decode(TestImages.encode(deep, "png")).image();
        assertColour(img, 3, 3, 191, 191, 191, 1);
    }

    @Test
    void transparentPixelsAreFlattenedOntoWhite() {
        BufferedImage rgba = new BufferedImage(10, 10, BufferedImage.TYPE_INT_ARGB);
        rgba.setRGB(0, 0, 0x00000000); // fully transparent black
        rgba.setRGB(1, 0, 0xFFFF0000); // opaque red
        rgba.setRGB(2, 0, 0x800000FF); // half-transparent blue
        RgbImage img = decoder.decode(TestImages.encode(rgba, "png")).image();
        assertColour(img, 0, 0, 255, 255, 255, 0);
        assertColour(img, 1, 0, 255, 0, 0, 0);
        assertColour(img, 2, 0, 127, 127, 255, 1);
    }

    @Test
    void palettePngAndTransparentGif() {
        byte[] r = {(byte) 255, 0, 0, 9};
        byte[] g = {0, (byte) 255, 0, 9};
        byte[] b = {0, 0, (byte) 255, 9};
        IndexColorModel palette = new IndexColorModel(8, 4, r, g, b, 1); // index 1 transparent
        BufferedImage indexed = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_INDEXED, palette); // the JDK GIF writer garbles 4x4
        indexed.getRaster().setSample(1, 1, 0, 1);
        indexed.getRaster().setSample(2, 2, 0, 2);
        for (String format : new String[]{"png", "gif"}) {
            RgbImage img = decoder.decode(TestImages.encode(indexed, format)).image();
            assertColour(img, 0, 0, 255, 0, 0, 0);
            assertColour(img, 1, 1, 255, 255, 255, 0);
            assertColour(img, 2, 2, 0, 0, 255, 0);
        }
    }

    @Test
    void exifOrientationIsApplied() {
        byte[] jpeg = TestImages.encode(TestImages.quadrants(40, 20, BufferedImage.TYPE_INT_RGB), "jpg");
        // 6 = the camera was turned 90 degrees clockwise: the upright picture is 20 wide, 40 tall
        RgbImage upright = decoder.decode(TestImages.withExifOrientation(jpeg, 6)).image();
        assertEquals(20, upright.width());
        assertEquals(40, upright.height());
        // rotating clockwise moves the original bottom-left (blue) to the top-left
        assertColour(upright, 5, 5, 0, 0, 255, 12);
    }

    @Test
    void rejectsWhatIsNoImage() {
        assertReject(RejectReason.EMPTY_FILE, new byte[0]);
        assertReject(RejectReason.NOT_AN_IMAGE, "hello, I am text\n".getBytes(StandardCharsets.UTF_8));
        byte[] jpeg = TestImages.encode(TestImages.quadrants(64, 64, BufferedImage.TYPE_INT_RGB), "jpg");
        ImageRejectedException cut = assertReject(RejectReason.CORRUPT, TestImages.truncated(jpeg, 0.6));
        assertTrue(cut.getMessage().contains("truncated"), cut.getMessage());
        byte[] png = TestImages.encode(TestImages.quadrants(64, 64, BufferedImage.TYPE_INT_RGB), "png");
        assertReject(RejectReason.CORRUPT, TestImages.truncated(png, 0.5));
        assertReject(RejectReason.CORRUPT, TestImages.truncated(png, 0.05)); // cut inside the header
    }

    @Test
    void refusesDecompressionBombsFromTheHeaderAlone() {
        byte[] big = TestImages.encode(TestImages.quadrants(300, 200, BufferedImage.TYPE_INT_RGB), "png");
        ImageRejectedException e = assertThrows(ImageRejectedException.class,
                () -> new ImageDecoder(300 * 200 - 1, JpegDecoder.AUTO).decode(big));
        assertEquals(RejectReason.TOO_MANY_PIXELS, e.reason());
        assertTrue(e.getMessage().contains("300x200"), e.getMessage());
        assertEquals(300, new ImageDecoder(300 * 200, JpegDecoder.AUTO).decode(big).image().width());
    }

    /** The 35-byte GIF of issue 16: a 16x16 screen, a frame declaring 40000x40000 (first or later). */
    @Test
    void refusesAGifWhoseFrameDeclaresMorePixelsThanItsScreen() {
        byte[] firstFrame = TestImages.gifWithFrames(16, new int[]{40000, 40000});
        assertEquals(35, firstFrame.length);
        byte[] laterFrame = TestImages.gifWithFrames(16, new int[]{16, 16}, new int[]{16, 16}, new int[]{40000, 40000});
        for (byte[] gif : List.of(firstFrame, laterFrame)) {
            ImageRejectedException e = assertThrows(ImageRejectedException.class,
                    () -> new ImageDecoder(40_000_000, JpegDecoder.AUTO).decodeSquare(gif, 64));
            assertEquals(RejectReason.TOO_MANY_PIXELS, e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains("frame of 40000x40000 (the image is 16x16)"), e.getMessage());
        }
        // frames within the limit are decoded as before
        assertEquals(16, new ImageDecoder(256, JpegDecoder.AUTO).decode(TestImages.gifWithFrames(16, new int[]{16, 16})).image().width());
    }

    private ImageRejectedException assertReject(RejectReason reason, byte[] bytes) {
        ImageRejectedException e = assertThrows(ImageRejectedException.class, () -> decoder.decode(bytes));
        assertEquals(reason, e.reason(), e.getMessage());
        return e;
    }

    @Test
    void bigJpegsAreDecodedReducedButReportTheirFullSize() {
        byte[] jpeg = TestImages.encode(TestImages.quadrants(1000, 600, BufferedImage.TYPE_INT_RGB), "jpg");
        // 600 / 4 = 150 >= 140, 600 / 8 = 75 < 140
        assertEquals(4, ImageDecoder.jpegReduction(ImageHeader.read(jpeg), 140));
        ImageDecoder.Decoded reduced = decoder.decodeSquare(jpeg, 140);
        assertEquals(140, reduced.image().width());
        assertEquals(140, reduced.image().height());
        assertEquals(1000, reduced.originalWidth());
        assertEquals(600, reduced.originalHeight());
        assertQuadrants(reduced.image(), 12);
        assertEquals(1000, decoder.decode(jpeg).image().width());
        // turned upright by EXIF, the full size is reported upright too
        ImageDecoder.Decoded turned = decoder.decodeSquare(TestImages.withExifOrientation(jpeg, 6), 140);
        assertEquals(600, turned.originalWidth());
        assertEquals(1000, turned.originalHeight());
        assertEquals(140, turned.image().width());
        // rotating clockwise moves the original bottom-left (blue) to the top-left
        assertColour(turned.image(), 35, 35, 0, 0, 255, 12);
    }

    /** Random colours, so that any difference in how pixels are mixed shows. */
    private static BufferedImage noise(int width, int height, int type) {
        BufferedImage img = new BufferedImage(width, height, type);
        java.util.Random random = new java.util.Random(width * 31L + height);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                img.setRGB(x, y, random.nextInt());
            }
        }
        return img;
    }

    @Test
    void decodeSquareGivesExactlyTheDecodedImageSquashed() {
        for (int[] size : new int[][]{{90, 70}, {40, 30}, {150, 64}}) { // shrink both, enlarge both, one of each
            for (int type : new int[]{BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_INT_ARGB}) {
                for (String format : new String[]{"jpg", "png", "bmp", "gif"}) {
                    if (type == BufferedImage.TYPE_INT_ARGB && !format.equals("png")) {
                        continue;
                    }
                    byte[] encoded = TestImages.encode(noise(size[0], size[1], type), format);
                    ImageDecoder.Decoded square = decoder.decodeSquare(encoded, 64);
                    String what = format + " " + size[0] + "x" + size[1] + " type " + type;
                    assertArrayEquals(ImageResizer.squareResize(decoder.decode(encoded).image(), 64).rgb(),
                            square.image().rgb(), what);
                    assertEquals(size[0], square.originalWidth(), what);
                    assertEquals(size[1], square.originalHeight(), what);
                }
            }
        }
    }
}
