package org.facemask.image;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point2f;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

import java.io.Serializable;
import java.util.Random;

import static org.bytedeco.opencv.global.opencv_core.BORDER_REPLICATE;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.getRotationMatrix2D;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;

/**
 * Random variations of a training image: the original work's Keras ImageDataGenerator ones (horizontal flip,
 * rotation, zoom and shift, with the borders filled by the nearest edge pixel), and optionally a loss of resolution
 * like that of a small face in a crowd photo, cropped and enlarged for the classifier. The image keeps its size.
 * Pure given the random source.
 *
 * @param flip            mirror left-right with probability 1/2
 * @param rotationDegrees rotate by up to this many degrees either way
 * @param zoom            scale by a factor in [1 - zoom, 1 + zoom]
 * @param shift           move by up to this fraction of the side, in each direction
 * @param lowResolution   0 = off; else the image is shrunk to a longer side drawn log-uniformly between this many
 *                        pixels and its own, then enlarged back (area averaging down, bilinear up, as scoring's crops)
 * @param photometric     changes of colour and quality after the geometric ones ({@link Photometric#NONE}: none)
 */
public record Augmentation(boolean flip, double rotationDegrees, double zoom, double shift, int lowResolution,
                           Photometric photometric) implements Serializable {

    public RgbImage apply(RgbImage in, Random random) {
        double angle = (2 * random.nextDouble() - 1) * rotationDegrees;
        double scale = 1 + (2 * random.nextDouble() - 1) * zoom;
        double dx = (2 * random.nextDouble() - 1) * shift * in.width();
        double dy = (2 * random.nextDouble() - 1) * shift * in.height();
        boolean mirror = flip && random.nextBoolean();
        RgbImage moved;
        try (PointerScope scope = new PointerScope()) {
            Mat src = new Mat(in.height(), in.width(), CV_8UC3, new BytePointer(in.rgb()));
            Mat m = getRotationMatrix2D(new Point2f(in.width() / 2f, in.height() / 2f), angle, scale);
            DoubleIndexer idx = m.createIndexer();
            idx.put(0, 2, idx.get(0, 2) + dx);
            idx.put(1, 2, idx.get(1, 2) + dy);
            Mat out = new Mat();
            warpAffine(src, out, m, new Size(in.width(), in.height()), INTER_LINEAR, BORDER_REPLICATE, new Scalar());
            if (mirror) {
                org.bytedeco.opencv.global.opencv_core.flip(out, out, 1);
            }
            moved = new RgbImage(in.width(), in.height(), ImageDecoder.bytesOf(out, 3));
        }
        RgbImage framed = lowResolution > 0 ? reduceResolution(moved, random) : moved;
        return photometric.isOff() ? framed : photometric.apply(framed, random);
    }

    private RgbImage reduceResolution(RgbImage in, Random random) {
        int side = Math.max(in.width(), in.height());
        if (lowResolution >= side) {
            return in;
        }
        double scale = Math.exp(Math.log(lowResolution / (double) side) * random.nextDouble());
        RgbImage small = ImageResizer.resize(in, Math.max(1, (int) Math.round(in.width() * scale)),
                Math.max(1, (int) Math.round(in.height() * scale)));
        return ImageResizer.resize(small, in.width(), in.height());
    }
}
