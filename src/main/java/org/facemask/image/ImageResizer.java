package org.facemask.image;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;

/**
 * Squashes an image to size x size (no crop, as the original work and Keras's image loaders do).
 * Shrinking uses pixel-area averaging (OpenCV INTER_AREA), which is anti-aliased: every source pixel contributes,
 * so a 4000 px photo does not alias into noise. Enlarging uses bilinear interpolation.
 */
public final class ImageResizer {
    private ImageResizer() {
    }

    public static RgbImage squareResize(RgbImage in, int size) {
        return resize(in, size, size);
    }

    /** To width x height, area-averaged when shrinking both sides, bilinear otherwise. */
    public static RgbImage resize(RgbImage in, int width, int height) {
        if (in.width() == width && in.height() == height) {
            return in;
        }
        try (PointerScope scope = new PointerScope()) {
            Mat src = new Mat(in.height(), in.width(), CV_8UC3, new BytePointer(in.rgb()));
            return new RgbImage(width, height, ImageDecoder.bytesOf(resize(src, width, height), 3));
        }
    }

    /** The same for pixels already in native memory, any number of channels; the caller's pointer scope owns the result. */
    static Mat resize(Mat src, int width, int height) {
        if (src.cols() == width && src.rows() == height) {
            return src;
        }
        int interpolation = src.cols() >= width && src.rows() >= height ? INTER_AREA : INTER_LINEAR;
        Mat dst = new Mat();
        org.bytedeco.opencv.global.opencv_imgproc.resize(src, dst, new Size(width, height), 0, 0, interpolation);
        return dst;
    }
}
