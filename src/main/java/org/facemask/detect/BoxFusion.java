package org.facemask.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Weighted box fusion (Solovyev, Wang, Gabruseva 2021): the boxes that several detection passes (flipped, other
 * sizes) put on one face become one box whose corners are the confidence-weighted mean of theirs, rather than the
 * single most confident box that non-maximum suppression keeps. A face boxed in every pass keeps its confidence;
 * a box only one pass of {@code passes} saw has its confidence divided by {@code passes}, which is how fusion drops
 * chance boxes.
 */
public final class BoxFusion {
    private BoxFusion() {
    }

    /**
     * @param passes        each pass's boxes, already free of overlaps within the pass
     * @param iouThreshold  a box overlapping a fused box by more than this joins it
     * @param minConfidence fused boxes under this confidence are dropped
     * @return the fused boxes, most confident first
     */
    public static List<FaceBox> weighted(List<List<FaceBox>> passes, double iouThreshold, double minConfidence) {
        List<FaceBox> all = new ArrayList<>();
        passes.forEach(all::addAll);
        all.sort(Comparator.comparingDouble(FaceBox::confidence).reversed());
        List<Cluster> clusters = new ArrayList<>();
        for (FaceBox box : all) {
            Cluster joined = null;
            double bestIou = iouThreshold;
            for (Cluster c : clusters) {
                double iou = c.fused().iou(box);
                if (iou > bestIou) {
                    joined = c;
                    bestIou = iou;
                }
            }
            if (joined == null) {
                clusters.add(new Cluster(box));
            } else {
                joined.add(box);
            }
        }
        List<FaceBox> fused = new ArrayList<>();
        for (Cluster c : clusters) {
            FaceBox box = c.fused();
            float confidence = (float) (c.confidenceSum / Math.max(c.members, passes.size()));
            if (confidence >= minConfidence) {
                fused.add(new FaceBox(box.x(), box.y(), box.w(), box.h(), confidence));
            }
        }
        fused.sort(Comparator.comparingDouble(FaceBox::confidence).reversed());
        return fused;
    }

    /** A box's weight when its confidence is 0 (faces.confidence = 0 keeps such boxes): counted, never divided by 0. */
    private static final double MIN_WEIGHT = 1e-6;

    /** Boxes taken as one face: running confidence-weighted sums of their corners. */
    private static final class Cluster {
        double x0;
        double y0;
        double x1;
        double y1;
        double confidenceSum;
        int members;

        Cluster(FaceBox first) {
            add(first);
        }

        void add(FaceBox b) {
            double c = Math.max(b.confidence(), MIN_WEIGHT);
            x0 += c * b.x();
            y0 += c * b.y();
            x1 += c * (b.x() + b.w());
            y1 += c * (b.y() + b.h());
            confidenceSum += c;
            members++;
        }

        FaceBox fused() {
            double x = x0 / confidenceSum;
            double y = y0 / confidenceSum;
            return new FaceBox(x, y, x1 / confidenceSum - x, y1 / confidenceSum - y, (float) (confidenceSum / members));
        }
    }
}
