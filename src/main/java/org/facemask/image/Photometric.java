package org.facemask.image;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

import java.io.Serializable;
import java.util.Random;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_RGB2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

/**
 * Random changes of colour and quality, as photos from other cameras differ from a training set: saturation,
 * contrast (about the image's mean grey) and brightness scaled by factors drawn from [1 - x, 1 + x], then, each with
 * probability 1/2, a Gaussian blur and a JPEG re-compression. The geometry is untouched. Pure given the random
 * source, which is always drawn from in the same order.
 *
 * @param brightness  0 = off; else brightness scaled by a factor in [1 - brightness, 1 + brightness]
 * @param contrast    0 = off; else contrast scaled likewise
 * @param saturation  0 = off; else saturation scaled likewise (0 at the low end is grey)
 * @param blurSigma   0 = off; else a Gaussian blur of sigma drawn from [0, blurSigma] pixels
 * @param jpegQuality 0 = off; else a JPEG re-compression at a quality drawn from [jpegQuality, 95]
 */
public record Photometric(double brightness, double contrast, double saturation, double blurSigma, int jpegQuality)
        implements Serializable {
    public static final Photometric NONE = new Photometric(0, 0, 0, 0, 0);

    public boolean isOff() {
        return equals(NONE);
    }

    public RgbImage apply(RgbImage in, Random random) {
        double b = factor(brightness, random);
        double c = factor(contrast, random);
        double s = factor(saturation, random);
        boolean blur = random.nextBoolean();
        double sigma = random.nextDouble() * blurSigma;
        boolean recompress = random.nextBoolean();
        int quality = jpegQuality + random.nextInt(Math.max(1, 96 - jpegQuality));
        RgbImage out = (b == 1 && c == 1 && s == 1) ? in : colour(in, b, c, s);
        if (blurSigma > 0 && blur && sigma > 0.05) {
            out = opencv(out, mat -> GaussianBlur(mat, mat, new Size(0, 0), sigma));
        }
        if (jpegQuality > 0 && recompress) {
            out = recompressed(out, quality);
        }
        return out;
    }

    private static double factor(double amount, Random random) {
        return 1 + (2 * random.nextDouble() - 1) * amount;
    }

    private static RgbImage colour(RgbImage in, double brightness, double contrast, double saturation) {
        byte[] rgb = in.rgb();
        int pixels = rgb.length / 3;
        double[] grey = new double[pixels];
        double mean = 0;
        for (int p = 0; p < pixels; p++) {
            grey[p] = 0.299 * (rgb[3 * p] & 0xff) + 0.587 * (rgb[3 * p + 1] & 0xff) + 0.114 * (rgb[3 * p + 2] & 0xff);
            mean += grey[p];
        }
        mean /= Math.max(1, pixels);
        byte[] out = new byte[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            double g = grey[i / 3];
            double saturated = g + saturation * ((rgb[i] & 0xff) - g);
            double v = brightness * (mean + contrast * (saturated - mean));
            out[i] = (byte) Math.max(0, Math.min(255, Math.round(v)));
        }
        return new RgbImage(in.width(), in.height(), out);
    }

    private static RgbImage recompressed(RgbImage in, int quality) {
        try (PointerScope scope = new PointerScope()) {
            Mat bgr = new Mat();
            cvtColor(new Mat(in.height(), in.width(), CV_8UC3, new BytePointer(in.rgb())), bgr, COLOR_RGB2BGR);
            BytePointer jpeg = new BytePointer();
            imencode(".jpg", bgr, jpeg, new org.bytedeco.javacpp.IntPointer(IMWRITE_JPEG_QUALITY, quality));
            Mat decoded = imdecode(new Mat(1, (int) jpeg.limit(), org.bytedeco.opencv.global.opencv_core.CV_8UC1, jpeg),
                    IMREAD_COLOR);
            Mat rgb = new Mat();
            cvtColor(decoded, rgb, COLOR_BGR2RGB);
            return new RgbImage(in.width(), in.height(), ImageDecoder.bytesOf(rgb, 3));
        }
    }

    private static RgbImage opencv(RgbImage in, java.util.function.Consumer<Mat> inPlace) {
        try (PointerScope scope = new PointerScope()) {
            Mat mat = new Mat(in.height(), in.width(), CV_8UC3, new BytePointer(in.rgb()));
            inPlace.accept(mat);
            return new RgbImage(in.width(), in.height(), ImageDecoder.bytesOf(mat, 3));
        }
    }
}
