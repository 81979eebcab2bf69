package org.facemask.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Test helpers for comparing arrays. */
final class Transforms {
    private Transforms() {
    }

    static double maxAbsDiff(INDArray a, INDArray b) {
        return a.reshape(b.shape()).sub(b).amaxNumber().doubleValue();
    }
}
