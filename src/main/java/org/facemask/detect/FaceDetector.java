package org.facemask.detect;

import org.facemask.image.RgbImage;

import java.util.List;

/**
 * Finds faces in one upright RGB image. Instances hold native state that is not safe to share between threads:
 * open one per task ({@link DetectorModel#open}) and close it when the task is done.
 */
public interface FaceDetector extends AutoCloseable {
    /** Boxes in pixels of {@code image}, before thresholds other than the backend's own; any order. */
    List<FaceBox> detect(RgbImage image);

    @Override
    void close();
}
