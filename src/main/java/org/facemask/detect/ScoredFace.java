package org.facemask.detect;

import java.io.Serializable;

/** A face found in a photo and the classifier's class probabilities for its crop. */
public record ScoredFace(FaceBox box, float[] probabilities) implements Serializable {
}
