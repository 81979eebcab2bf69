package org.facemask.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Greedy non-maximum suppression: the most confident box wins, boxes overlapping it beyond a threshold go. */
public final class NonMaxSuppression {
    private NonMaxSuppression() {
    }

    /** @return the kept boxes, most confident first */
    public static List<FaceBox> apply(List<FaceBox> boxes, double iouThreshold) {
        List<FaceBox> sorted = new ArrayList<>(boxes);
        sorted.sort(Comparator.comparingDouble(FaceBox::confidence).reversed());
        List<FaceBox> kept = new ArrayList<>();
        for (FaceBox candidate : sorted) {
            if (kept.stream().noneMatch(k -> k.iou(candidate) > iouThreshold)) {
                kept.add(candidate);
            }
        }
        return kept;
    }
}
