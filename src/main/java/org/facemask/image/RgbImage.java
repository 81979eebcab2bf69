package org.facemask.image;

/**
 * Decoded pixels: 8-bit RGB, row-major, interleaved (height x width x 3). The one pixel layout every stage
 * downstream of the decoder uses; there is no BGR past {@link ImageDecoder}.
 */
public record RgbImage(int width, int height, byte[] rgb) {
    public RgbImage {
        if (rgb.length != width * height * 3) {
            throw new IllegalArgumentException("expected " + width * height * 3 + " bytes for " + width + "x" + height
                    + " RGB, got " + rgb.length);
        }
    }

    /** For drawing and writing with Java2D/ImageIO (pictures, exported crops). */
    public java.awt.image.BufferedImage toBufferedImage() {
        java.awt.image.BufferedImage out = new java.awt.image.BufferedImage(width, height,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = (y * width + x) * 3;
                out.setRGB(x, y, (rgb[i] & 0xFF) << 16 | (rgb[i + 1] & 0xFF) << 8 | (rgb[i + 2] & 0xFF));
            }
        }
        return out;
    }

    /** The image mirrored left to right. */
    public RgbImage mirrored() {
        byte[] out = new byte[rgb.length];
        for (int y = 0; y < height; y++) {
            int row = y * width * 3;
            for (int x = 0; x < width; x++) {
                System.arraycopy(rgb, row + x * 3, out, row + (width - 1 - x) * 3, 3);
            }
        }
        return new RgbImage(width, height, out);
    }

    /** @return channel c (0 = R, 1 = G, 2 = B) of pixel (x, y), 0..255 */
    public int channel(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xFF;
    }
}
