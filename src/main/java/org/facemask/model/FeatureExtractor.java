package org.facemask.model;

import java.util.List;

/** Pixels in, backbone features out: the frozen base as the rest of the pipeline sees it, whatever runs it. */
public interface FeatureExtractor {
    /**
     * @param images RGB bytes at the model's image size ({@link Preprocessing#toInput})
     * @return one feature vector per image, in order
     */
    float[][] features(List<byte[]> images);

    int featureSize();
}
