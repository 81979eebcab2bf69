package org.facemask.detect;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.RectVector;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_objdetect.CascadeClassifier;
import org.facemask.image.RgbImage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_RGB2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.equalizeHist;

/**
 * OpenCV's frontal-face Haar cascade, read from inside the bytedeco OpenCV jar: the detector that needs no file.
 * A cascade gives no confidence, so every box has confidence 1. It looks for eyes, nose and mouth contrasts, so it
 * misses many masked faces (docs/BENCHMARKS.md has the numbers).
 */
final class HaarDetector implements FaceDetector {
    static final String CASCADE = "/org/bytedeco/opencv/linux-x86_64/share/opencv4/haarcascades/haarcascade_frontalface_default.xml";
    private static Path cascadeFile;
    private final CascadeClassifier cascade;
    private final int minSize;

    HaarDetector(int minSize) {
        this.minSize = minSize;
        this.cascade = new CascadeClassifier(cascadeFile().toString());
        if (cascade.empty()) {
            throw new IllegalStateException("OpenCV could not load its Haar cascade " + CASCADE);
        }
    }

    /** OpenCV reads a cascade from a file only: copied out of the jar once per JVM. */
    private static synchronized Path cascadeFile() {
        if (cascadeFile == null) {
            try (InputStream in = HaarDetector.class.getResourceAsStream(CASCADE)) {
                if (in == null) {
                    throw new IllegalStateException("the OpenCV jar on the class path has no " + CASCADE);
                }
                Path file = Files.createTempFile("haarcascade_frontalface_default", ".xml");
                file.toFile().deleteOnExit();
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                cascadeFile = file;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return cascadeFile;
    }

    @Override
    public List<FaceBox> detect(RgbImage image) {
        try (PointerScope scope = new PointerScope()) {
            Mat rgb = new Mat(image.height(), image.width(), CV_8UC3, new BytePointer(image.rgb()));
            Mat gray = new Mat();
            cvtColor(rgb, gray, COLOR_RGB2GRAY);
            equalizeHist(gray, gray);
            RectVector found = new RectVector();
            cascade.detectMultiScale(gray, found, 1.1, 4, 0, new Size(minSize, minSize), new Size());
            List<FaceBox> boxes = new ArrayList<>();
            for (long i = 0; i < found.size(); i++) {
                Rect r = found.get(i);
                boxes.add(new FaceBox(r.x(), r.y(), r.width(), r.height(), 1f));
            }
            return boxes;
        }
    }

    @Override
    public void close() {
        cascade.close();
    }
}
