package org.facemask.detect;

import org.facemask.image.ImageResizer;
import org.facemask.image.RgbImage;

/** Cutting a face out of a photo. */
public final class FaceCrop {
    private FaceCrop() {
    }

    /**
     * What the classifier sees of a face: the box widened by {@code margin} on each side (clipped to the photo),
     * squashed to size x size as whole training images are. Per-face scoring crops detected faces with it, prepare
     * crops annotated faces with it, so a model trained on annotated photos sees faces framed as scoring frames them.
     */
    public static RgbImage forClassifier(RgbImage photo, FaceBox face, double margin, int size) {
        return ImageResizer.squareResize(crop(photo, face, margin), size);
    }

    /** The box widened by {@code margin} x its size on every side, clipped to the photo, as a new image. */
    public static RgbImage crop(RgbImage photo, FaceBox face, double margin) {
        FaceBox wide = new FaceBox(face.x() - margin * face.w(), face.y() - margin * face.h(),
                face.w() * (1 + 2 * margin), face.h() * (1 + 2 * margin), face.confidence())
                .clippedTo(photo.width(), photo.height());
        int x0 = (int) Math.floor(wide.x());
        int y0 = (int) Math.floor(wide.y());
        int w = Math.max(1, Math.min(photo.width() - x0, (int) Math.ceil(wide.x() + wide.w()) - x0));
        int h = Math.max(1, Math.min(photo.height() - y0, (int) Math.ceil(wide.y() + wide.h()) - y0));
        byte[] out = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            System.arraycopy(photo.rgb(), ((y0 + y) * photo.width() + x0) * 3, out, y * w * 3, w * 3);
        }
        return new RgbImage(w, h, out);
    }
}
