package org.facemask.model;

import java.util.List;

/**
 * Pixels in, a vector per image out: the frozen base (features) or the whole classifier (class probabilities), as
 * the rest of the pipeline sees it, whichever engine runs it.
 */
public interface InferenceModel {
    /**
     * @param images RGB bytes at the model's image size ({@link Preprocessing#toInput})
     * @return one output vector per image, in order
     */
    float[][] run(List<byte[]> images);
}
