package org.facemask.image;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.facemask.config.ImageSettings;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;

import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_2;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_4;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_8;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_UNCHANGED;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGRA2RGBA;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

/**
 * Bytes of an image file to upright 8-bit RGB, whatever the container:
 * <ul>
 *   <li>JPEG (incl. CMYK/YCCK and EXIF orientation), BMP, WEBP: OpenCV's decoder, the fastest here and the only one
 *       on our class path that reads WEBP;</li>
 *   <li>PNG: OpenCV with its alpha and 16-bit depth kept, so that alpha is flattened onto white (what a viewer shows)
 *       instead of being dropped, and 16-bit samples are scaled, not truncated; palette and grey become RGB;</li>
 *   <li>GIF: the JDK's ImageIO (OpenCV 4.5 has no GIF reader); the first frame, transparency onto white.</li>
 * </ul>
 * The header, and every frame size a GIF declares, is checked against {@code maxPixels} before anything is
 * decoded. A JPEG much larger than the size it will be resized to is decoded at 1/2, 1/4 or 1/8 scale by libjpeg itself (DCT-domain scaling, itself an
 * averaging filter), so a 17-megapixel photo costs a fraction of a full decode. Most JPEGs can also go to the
 * system's libjpeg-turbo with SIMD instead of OpenCV's copy of it, for the same pixels in half the time
 * ({@link JpegDecoder}).
 */
public final class ImageDecoder {
    static {
        // Spark runs one task per core already; OpenCV's own thread pool would only oversubscribe the cores.
        opencv_core.setNumThreads(1);
    }

    private final long maxPixels;
    private final boolean turboJpeg;

    /**
     * @throws IllegalStateException for {@link JpegDecoder#TURBOJPEG} when libturbojpeg cannot be loaded
     */
    public ImageDecoder(long maxPixels, JpegDecoder jpegDecoder) {
        this.maxPixels = maxPixels;
        this.turboJpeg = jpegDecoder.usesTurboJpeg();
    }

    /** The bomb guard and JPEG decoder of {@code settings} (its size is the caller's business). */
    public ImageDecoder(ImageSettings settings) {
        this(settings.maxPixels(), settings.jpegDecoder());
    }

    /**
     * @param header         format and stored size
     * @param image          upright RGB pixels: full size, or squashed by {@link #decodeSquare}
     * @param originalWidth  width of the upright image at full size
     * @param originalHeight height of the upright image at full size
     */
    public record Decoded(ImageHeader header, RgbImage image, int originalWidth, int originalHeight) {
    }

    /** Full-size decode. @throws ImageRejectedException with the reason the file cannot be used */
    public Decoded decode(byte[] bytes) {
        return decode(bytes, 0);
    }

    /**
     * Decoded and squashed to {@code size} x {@code size}, the pixels {@link ImageResizer#squareResize} makes of the
     * decoded image, in fewer passes: a JPEG at least twice that size is decoded at reduced scale, and a grey or
     * colour image is resized while still in native memory, before its conversion to RGB and its one copy out.
     *
     * @throws ImageRejectedException with the reason the file cannot be used
     */
    public Decoded decodeSquare(byte[] bytes, int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive, got " + size);
        }
        return decode(bytes, size);
    }

    /** @param squareSide 0 = the decoded size; else squashed to this square (see {@link #decodeSquare}) */
    private Decoded decode(byte[] bytes, int squareSide) {
        if (bytes.length == 0) {
            throw new ImageRejectedException(RejectReason.EMPTY_FILE, "file is empty (0 bytes)");
        }
        ImageHeader header = ImageHeader.read(bytes);
        if (header.largestPixels() > maxPixels) {
            String declared = header.largestPixels() == header.pixels()
                    ? header.width() + "x" + header.height()
                    : "a frame of " + header.largestWidth() + "x" + header.largestHeight() + " (the image is "
                    + header.width() + "x" + header.height() + ")";
            throw new ImageRejectedException(RejectReason.TOO_MANY_PIXELS, declared + " = " + header.largestPixels()
                    + " pixels is over image.max-pixels = " + maxPixels);
        }
        if (header.format() == ImageFormat.JPEG && !ImageHeader.isCompleteJpeg(bytes)) {
            throw new ImageRejectedException(RejectReason.CORRUPT, "truncated JPEG: no end-of-image marker");
        }
        Pixels pixels;
        if (header.format() == ImageFormat.GIF) {
            RgbImage frame = decodeWithImageIo(bytes);
            pixels = new Pixels(squashed(frame, squareSide), frame.width(), frame.height());
        } else {
            int reduction = header.format() == ImageFormat.JPEG ? jpegReduction(header, squareSide) : 1;
            pixels = turboJpeg && header.format() == ImageFormat.JPEG && ImageHeader.isPlainJpeg(bytes)
                    ? decodeWithTurboJpeg(bytes, header, reduction, squareSide) : null;
            if (pixels == null) {
                pixels = decodeWithOpenCv(bytes, header, reduction, squareSide);
            }
        }
        // EXIF orientation may have turned the picture a quarter: the upright full size follows the decoded shape
        boolean turned = pixels.decodedWidth() != pixels.decodedHeight()
                && (pixels.decodedWidth() > pixels.decodedHeight()) != (header.width() > header.height());
        return new Decoded(header, pixels.image(), turned ? header.height() : header.width(),
                turned ? header.width() : header.height());
    }

    /** The result and the shape the decoder gave it before any resizing (upright, possibly reduced). */
    private record Pixels(RgbImage image, int decodedWidth, int decodedHeight) {
    }

    /** The largest of 8, 4, 2 that keeps both sides at least {@code minSide}, else 1 (also for 0: full size). */
    static int jpegReduction(ImageHeader header, int minSide) {
        if (minSide <= 0) {
            return 1;
        }
        int shorter = Math.min(header.width(), header.height());
        for (int f = 8; f >= 2; f /= 2) {
            if (shorter / f >= minSide) {
                return f;
            }
        }
        return 1;
    }

    /** @return null when TurboJPEG reports an error: OpenCV then decides, as it always did */
    private static Pixels decodeWithTurboJpeg(byte[] bytes, ImageHeader header, int reduction, int squareSide) {
        try (PointerScope scope = new PointerScope()) {
            // libjpeg's scaled size: each side divided and rounded up
            int width = (header.width() + reduction - 1) / reduction;
            int height = (header.height() + reduction - 1) / reduction;
            Mat rgb = TurboJpeg.decodeRgb(bytes, width, height);
            if (rgb == null) {
                return null;
            }
            Mat squashed = squashed(rgb, squareSide);
            return new Pixels(new RgbImage(squashed.cols(), squashed.rows(), bytesOf(squashed, 3)), width, height);
        }
    }

    private static Pixels decodeWithOpenCv(byte[] bytes, ImageHeader header, int reduction, int squareSide) {
        try (PointerScope scope = new PointerScope()) {
            Mat encoded = new Mat(1, bytes.length, CV_8UC1, new BytePointer(bytes));
            // JPEG never has alpha, and IMREAD_COLOR is what applies its EXIF orientation and converts CMYK
            int flags = header.format() != ImageFormat.JPEG ? IMREAD_UNCHANGED : switch (reduction) {
                case 8 -> IMREAD_REDUCED_COLOR_8;
                case 4 -> IMREAD_REDUCED_COLOR_4;
                case 2 -> IMREAD_REDUCED_COLOR_2;
                default -> IMREAD_COLOR;
            };
            Mat mat = imdecode(encoded, flags);
            if (mat == null || mat.empty()) {
                throw new ImageRejectedException(RejectReason.CORRUPT, header.format() + " data could not be decoded");
            }
            if (mat.depth() != CV_8U) {
                Mat eightBit = new Mat();
                // 16-bit samples: 65535 maps to 255
                mat.convertTo(eightBit, CV_8U, 1.0 / 257.0, 0.0);
                mat = eightBit;
            }
            int width = mat.cols();
            int height = mat.rows();
            // grey and colour are resized first (each channel on its own, so the order does not change a value);
            // alpha is composited first, as resizing premultiplied and straight colours differ
            RgbImage image = switch (mat.channels()) {
                case 1 -> toRgb(squashed(mat, squareSide), COLOR_GRAY2RGB);
                case 3 -> toRgb(squashed(mat, squareSide), COLOR_BGR2RGB);
                case 4 -> squashed(flattenOnWhite(toRgba(mat)), squareSide);
                default -> throw new ImageRejectedException(RejectReason.CORRUPT,
                        header.format() + " with " + mat.channels() + " channels is not supported");
            };
            return new Pixels(image, width, height);
        }
    }

    /** {@code squareSide} 0 = as decoded */
    private static Mat squashed(Mat mat, int squareSide) {
        return squareSide > 0 ? ImageResizer.resize(mat, squareSide, squareSide) : mat;
    }

    private static RgbImage squashed(RgbImage image, int squareSide) {
        return squareSide > 0 ? ImageResizer.squareResize(image, squareSide) : image;
    }

    private static RgbImage toRgb(Mat mat, int conversion) {
        Mat rgb = new Mat();
        cvtColor(mat, rgb, conversion);
        return new RgbImage(rgb.cols(), rgb.rows(), bytesOf(rgb, 3));
    }

    private static Rgba toRgba(Mat bgra) {
        Mat rgba = new Mat();
        cvtColor(bgra, rgba, COLOR_BGRA2RGBA);
        return new Rgba(rgba.cols(), rgba.rows(), bytesOf(rgba, 4));
    }

    static byte[] bytesOf(Mat mat, int channels) {
        Mat continuous = mat.isContinuous() ? mat : mat.clone();
        byte[] out = new byte[continuous.rows() * continuous.cols() * channels];
        continuous.data().get(out, 0, out.length);
        return out;
    }

    private record Rgba(int width, int height, byte[] rgba) {
    }

    /** {@code (value * alpha + 255 * (255 - alpha) + 127) / 255} at {@code [alpha << 8 | value]}: one colour over white. */
    private static final byte[] OVER_WHITE = new byte[256 * 256];

    static {
        for (int alpha = 0; alpha < 256; alpha++) {
            for (int value = 0; value < 256; value++) {
                OVER_WHITE[alpha << 8 | value] = (byte) ((value * alpha + 255 * (255 - alpha) + 127) / 255);
            }
        }
    }

    /** Composites straight (non-premultiplied) RGBA over a white background. */
    private static RgbImage flattenOnWhite(Rgba in) {
        int n = in.width() * in.height();
        byte[] rgba = in.rgba();
        byte[] rgb = new byte[n * 3];
        for (int p = 0; p < n; p++) {
            int alpha = (rgba[p * 4 + 3] & 0xFF) << 8;
            rgb[p * 3] = OVER_WHITE[alpha | rgba[p * 4] & 0xFF];
            rgb[p * 3 + 1] = OVER_WHITE[alpha | rgba[p * 4 + 1] & 0xFF];
            rgb[p * 3 + 2] = OVER_WHITE[alpha | rgba[p * 4 + 2] & 0xFF];
        }
        return new RgbImage(in.width(), in.height(), rgb);
    }

    private static RgbImage decodeWithImageIo(byte[] bytes) {
        BufferedImage img;
        try {
            img = ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException | RuntimeException e) {
            throw new ImageRejectedException(RejectReason.CORRUPT, "GIF data could not be decoded: " + e.getMessage());
        }
        if (img == null) {
            throw new ImageRejectedException(RejectReason.CORRUPT, "GIF data could not be decoded");
        }
        int w = img.getWidth();
        int h = img.getHeight();
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        byte[] rgba = new byte[w * h * 4];
        for (int p = 0; p < argb.length; p++) {
            rgba[p * 4] = (byte) (argb[p] >> 16);
            rgba[p * 4 + 1] = (byte) (argb[p] >> 8);
            rgba[p * 4 + 2] = (byte) argb[p];
            rgba[p * 4 + 3] = (byte) (argb[p] >>> 24);
        }
        return flattenOnWhite(new Rgba(w, h, rgba));
    }
}
