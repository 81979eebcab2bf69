package org.facemask.testing;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

/** Encoded test images made on the spot, in every format the decoder claims to read. */
public final class TestImages {
    private TestImages() {
    }

    /** A picture with four coloured quadrants (red, green / blue, white), so orientation and channel order show. */
    public static BufferedImage quadrants(int width, int height, int type) {
        BufferedImage img = new BufferedImage(width, height, type);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, width / 2, height / 2);
        g.setColor(Color.GREEN);
        g.fillRect(width / 2, 0, width - width / 2, height / 2);
        g.setColor(Color.BLUE);
        g.fillRect(0, height / 2, width / 2, height - height / 2);
        g.setColor(Color.WHITE);
        g.fillRect(width / 2, height / 2, width - width / 2, height - height / 2);
        g.dispose();
        return img;
    }

    public static byte[] encode(BufferedImage img, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, format, out)) {
                throw new IllegalArgumentException("no ImageIO writer for " + format + " and this image type");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** WEBP through OpenCV's encoder (the JDK has none). */
    public static byte[] webp(BufferedImage rgbImage) {
        int w = rgbImage.getWidth();
        int h = rgbImage.getHeight();
        byte[] bgr = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = rgbImage.getRGB(x, y);
                int p = (y * w + x) * 3;
                bgr[p] = (byte) rgb;
                bgr[p + 1] = (byte) (rgb >> 8);
                bgr[p + 2] = (byte) (rgb >> 16);
            }
        }
        try (Mat mat = new Mat(h, w, CV_8UC3, new BytePointer(bgr)); BytePointer buf = new BytePointer()) {
            if (!imencode(".webp", mat, buf)) {
                throw new IllegalStateException("OpenCV could not encode WEBP");
            }
            byte[] out = new byte[(int) buf.limit()];
            buf.get(out);
            return out;
        }
    }

    /** A JPEG with an EXIF APP1 segment holding only the orientation tag, inserted after SOI. */
    public static byte[] withExifOrientation(byte[] jpeg, int orientation) {
        byte[] tiff = {
            'M', 'M', 0, 42, 0, 0, 0, 8, // big-endian TIFF header, IFD at offset 8
            0, 1,                         // one entry
            0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0, // Orientation, SHORT, count 1
            0, 0, 0, 0};                  // no next IFD
        byte[] exif = new byte[6 + tiff.length];
        System.arraycopy(new byte[]{'E', 'x', 'i', 'f', 0, 0}, 0, exif, 0, 6);
        System.arraycopy(tiff, 0, exif, 6, tiff.length);
        int len = exif.length + 2;
        byte[] out = new byte[jpeg.length + 4 + exif.length];
        out[0] = (byte) 0xFF;
        out[1] = (byte) 0xD8;
        out[2] = (byte) 0xFF;
        out[3] = (byte) 0xE1;
        out[4] = (byte) (len >> 8);
        out[5] = (byte) len;
        System.arraycopy(exif, 0, out, 6, exif.length);
        System.arraycopy(jpeg, 2, out, 6 + exif.length, jpeg.length - 2);
        return out;
    }

    /** The first {@code fraction} of the bytes, as a transfer cut short leaves them. */
    public static byte[] truncated(byte[] bytes, double fraction) {
        return Arrays.copyOf(bytes, (int) (bytes.length * fraction));
    }
    /**
     * A GIF whose logical screen is {@code screen} x {@code screen} and whose frames declare the given sizes, each
     * with the same two-byte LZW data: 35 bytes for one frame. The JDK's reader allocates a frame's declared size
     * before it reads any data, so a 40000x40000 frame costs 1.6 GB.
     */
    public static byte[] gifWithFrames(int screen, int[]... frameSizes) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes("GIF89a".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.writeBytes(new byte[]{(byte) screen, (byte) (screen >> 8), (byte) screen, (byte) (screen >> 8),
                (byte) 0x80, 0, 0}); // global colour table of two entries
        out.writeBytes(new byte[]{0, 0, 0, (byte) 255, (byte) 255, (byte) 255});
        for (int[] size : frameSizes) {
            out.writeBytes(new byte[]{0x2C, 0, 0, 0, 0, (byte) size[0], (byte) (size[0] >> 8),
                    (byte) size[1], (byte) (size[1] >> 8), 0});
            out.writeBytes(new byte[]{2, 2, 0x4C, 0x01, 0}); // LZW code size, one sub-block, terminator
        }
        out.write(0x3B);
        return out.toByteArray();
    }
}
