package org.facemask.detect;

import org.facemask.config.FacesSettings;
import org.facemask.image.ImageResizer;
import org.facemask.image.RgbImage;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The detection steps shared by scoring and evaluation: resize the photo to each {@code detect-side}, run the detector
 * on it (and on its mirror image with {@code flip}), map boxes back to the photo's pixels and adjust them, drop faces
 * under {@code min-size}, merge the passes (suppression or fusion), keep the boxes a second look finds again
 * ({@code verify-side}, boxes of {@code verify-min-size} and more), order the faces left to right by their centres
 * (so face_index is stable across runs). Not thread-safe; close it.
 */
public final class FaceFinder implements AutoCloseable {
    /** The second look's view around a box, in multiples of the box's longer side (docs/BENCHMARKS.md). */
    static final double VERIFY_CONTEXT = 2.5;
    /** How well the second look's box must overlap the first look's: loosely, the two framings differ. */
    static final double VERIFY_IOU = 0.3;
    private final FaceDetector detector;
    private final FacesSettings settings;

    FaceFinder(FaceDetector detector, FacesSettings settings) {
        this.detector = detector;
        this.settings = settings;
    }

    public List<FaceBox> find(RgbImage photo) {
        List<List<FaceBox>> passes = new ArrayList<>();
        for (int side : settings.detectSides()) {
            RgbImage input = withLongerSide(photo, side);
            passes.add(inPhoto(detector.detect(input), input, photo, false));
            if (settings.flip()) {
                passes.add(inPhoto(detector.detect(input.mirrored()), input, photo, true));
            }
        }
        List<FaceBox> kept = new ArrayList<>(switch (settings.fusion()) {
            // one face seen in several passes is one box: the most confident
            case NMS -> NonMaxSuppression.apply(passes.stream().flatMap(List::stream).toList(), settings.nmsIou());
            // ... or their weighted mean, each pass's own overlaps suppressed first
            case WBF -> BoxFusion.weighted(passes.stream().map(p -> NonMaxSuppression.apply(p, settings.nmsIou())).toList(),
                    settings.nmsIou(), settings.confidence());
        });
        if (settings.verifySide() > 0) {
            kept.removeIf(box -> Math.max(box.w(), box.h()) >= settings.verifyMinSize() && !foundAgain(photo, box));
        }
        kept.sort(Comparator.comparingDouble((FaceBox b) -> b.x() + b.w() / 2).thenComparingDouble(FaceBox::y));
        return kept;
    }

    /**
     * The detector's second look at a box: the box's surroundings ({@value #VERIFY_CONTEXT} times its longer side,
     * clipped to the photo) resized to {@code verify-side}; the face is there if the detector finds one overlapping
     * the box (IoU {@value #VERIFY_IOU}) at {@code confidence}. Hair, hands, backs of heads and printed faces that
     * caught the first look at the whole photo rarely pass it; faces, at their new scale, do.
     */
    private boolean foundAgain(RgbImage photo, FaceBox box) {
        double side = VERIFY_CONTEXT * Math.max(box.w(), box.h());
        FaceBox view = new FaceBox(box.x() + box.w() / 2 - side / 2, box.y() + box.h() / 2 - side / 2, side, side, 1f)
                .clippedTo(photo.width(), photo.height());
        RgbImage region = FaceCrop.crop(photo, view, 0);
        RgbImage input = withLongerSide(region, settings.verifySide());
        for (FaceBox b : detector.detect(input)) {
            FaceBox inPhoto = adjust(b.scaled(region.width() / (double) input.width()))
                    .moved(Math.floor(view.x()), Math.floor(view.y()));
            if (b.confidence() >= settings.confidence() && inPhoto.iou(box) >= VERIFY_IOU) {
                return true;
            }
        }
        return false;
    }

    /** Resized, up or down, so that its longer side is {@code side} pixels. */
    private static RgbImage withLongerSide(RgbImage image, int side) {
        double scale = side / (double) Math.max(image.width(), image.height());
        return scale == 1.0 ? image : ImageResizer.resize(image, Math.max(1, (int) Math.round(image.width() * scale)),
                Math.max(1, (int) Math.round(image.height() * scale)));
    }

    /** A pass's boxes in the photo's pixels (mirrored back if the pass saw the mirrored input), adjusted, big enough. */
    private List<FaceBox> inPhoto(List<FaceBox> boxes, RgbImage input, RgbImage photo, boolean mirrored) {
        List<FaceBox> inPhoto = new ArrayList<>();
        for (FaceBox b : boxes) {
            FaceBox upright = mirrored ? new FaceBox(input.width() - b.x() - b.w(), b.y(), b.w(), b.h(), b.confidence()) : b;
            FaceBox box = adjust(upright.scaled(photo.width() / (double) input.width())).clippedTo(photo.width(), photo.height());
            if (Math.min(box.w(), box.h()) >= settings.minSize()) { // detectors already dropped boxes under their minimum score
                inPhoto.add(box);
            }
        }
        return inPhoto;
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
