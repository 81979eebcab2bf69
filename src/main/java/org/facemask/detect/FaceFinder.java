package org.facemask.detect;

import org.facemask.config.FacesSettings;
import org.facemask.image.ImageResizer;
import org.facemask.image.RgbImage;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The detection steps shared by scoring and evaluation: resize the photo to each {@code detect-side}, run the detector,
 * map boxes back to the photo's pixels and adjust them, drop faces under {@code min-size}, suppress overlaps, order
 * the faces left to right by their centres (so face_index is stable across runs). Not thread-safe; close it.
 */
public final class FaceFinder implements AutoCloseable {
    private final FaceDetector detector;
    private final FacesSettings settings;

    FaceFinder(FaceDetector detector, FacesSettings settings) {
        this.detector = detector;
        this.settings = settings;
    }

    public List<FaceBox> find(RgbImage photo) {
        List<FaceBox> found = new ArrayList<>();
        for (int side : settings.detectSides()) {
            double scale = side / (double) Math.max(photo.width(), photo.height());
            RgbImage input = scale != 1.0 ? ImageResizer.resize(photo, Math.max(1, (int) Math.round(photo.width() * scale)),
                    Math.max(1, (int) Math.round(photo.height() * scale))) : photo;
            for (FaceBox b : detector.detect(input)) {
                FaceBox box = adjust(b.scaled(photo.width() / (double) input.width())).clippedTo(photo.width(), photo.height());
                if (Math.min(box.w(), box.h()) >= settings.minSize()) { // detectors already dropped boxes under faces.confidence
                    found.add(box);
                }
            }
        }
        // one face seen at several sides is one box: the most confident
        List<FaceBox> kept = new ArrayList<>(NonMaxSuppression.apply(found, settings.nmsIou()));
        kept.sort(Comparator.comparingDouble((FaceBox b) -> b.x() + b.w() / 2).thenComparingDouble(FaceBox::y));
        return kept;
    }

    private FaceBox adjust(FaceBox b) {
        FacesSettings.BoxAdjust a = settings.boxAdjust();
        return new FaceBox(b.x() + a.dx() * b.w(), b.y() + a.dy() * b.h(), b.w() * a.sw(), b.h() * a.sh(), b.confidence());
    }

    /**
     * The face's crop with {@code margin} added on each side (clipped to the photo), squashed to size x size as
     * the training images were.
     */
    public RgbImage crop(RgbImage photo, FaceBox face, int size) {
        return FaceCrop.forClassifier(photo, face, settings.margin(), size);
    }

    @Override
    public void close() {
        detector.close();
    }
}
