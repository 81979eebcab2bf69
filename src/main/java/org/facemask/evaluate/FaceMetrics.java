package org.facemask.evaluate;

import org.facemask.model.Prediction;

import org.facemask.prepare.VocAnnotation;
import org.facemask.detect.FaceBox;
import org.facemask.detect.ScoredFace;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Detection and classification of every face in annotated photos. A predicted face matches the unmatched
 * annotated face it overlaps most, if their intersection over union is at least the threshold (0.5, as Pascal VOC),
 * the most confident predictions first. Faces annotated with a label the classifier does not know
 * ({@value #INCORRECT}) count for detection and are reported apart; they are neither class. The figures by size
 * ({@link FacesBySize}) are also matched at {@value #LOOSE_IOU}: a face found at 0.3 but not at 0.5 is a box framed
 * differently from the annotation, not a face the detector missed.
 */
public final class FaceMetrics {
    public static final String INCORRECT = VocAnnotation.INCORRECT;
    public static final double IOU = 0.5;
    public static final double LOOSE_IOU = 0.3;
    /** The thresholds faces are matched at, {@link #IOU} first: the index into {@link Matching}'s arrays. */
    static final List<Double> IOUS = List.of(IOU, LOOSE_IOU);
    /** {@link #IOU}'s index in {@link #IOUS}. */
    static final int STRICT = IOUS.indexOf(IOU);
    /** Upper bounds (exclusive) of the face-size buckets of the end-to-end report: the annotated box's longer side. */
    private static final int[] SIZE_BOUNDS = {16, 32, 64};
    /** How many face-size buckets {@link #sizeBucket} has. */
    public static final int SIZE_BUCKETS = SIZE_BOUNDS.length + 1;
    /** The longer side (px) from which a face counts as large: issue 21's targets are set on faces of 32 px and more. */
    public static final int LARGE_FACE = 32;

    private FaceMetrics() {
    }

    /** One photo: its annotated faces and what the detector and classifier made of it (nothing if undecodable). */
    public record Photo(String path, List<VocAnnotation.Face> truth, List<ScoredFace> predicted, boolean undecodable)
            implements Serializable {
    }

    /** For each predicted face (in the order given), the index of the annotated face it matched at {@link #IOU}, or -1. */
    public static int[] match(List<VocAnnotation.Face> truth, List<ScoredFace> predicted) {
        return match(truth, predicted, IOU);
    }

    /** For each predicted face (in the order given), the index of the annotated face it matched at {@code iou}, or -1. */
    public static int[] match(List<VocAnnotation.Face> truth, List<ScoredFace> predicted, double iou) {
        int[] matchOf = new int[predicted.size()];
        Arrays.fill(matchOf, -1);
        boolean[] taken = new boolean[truth.size()];
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < predicted.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingDouble((Integer i) -> predicted.get(i).box().confidence()).reversed());
        for (int p : order) {
            FaceBox box = predicted.get(p).box();
            int best = -1;
            double bestIou = iou;
            for (int t = 0; t < truth.size(); t++) {
                double overlap = taken[t] ? 0 : box.iou(truth.get(t).box());
                if (overlap >= bestIou) {
                    best = t;
                    bestIou = overlap;
                }
            }
            if (best >= 0) {
                taken[best] = true;
                matchOf[p] = best;
            }
        }
        return matchOf;
    }

    /** The {@code faces} block of metrics.json. */
    public static Map<String, Object> compute(List<String> classes, List<Photo> photos) {
        Map<String, Integer> annotated = new TreeMap<>();
        Map<String, Integer> found = new TreeMap<>();
        Map<String, Integer> predictedAs = new TreeMap<>();
        Map<String, Integer> predictedAsMatched = new TreeMap<>();
        Map<String, Integer> incorrectPredictedAs = new TreeMap<>();
        int[][] confusion = new int[classes.size()][classes.size()];
        FacesBySize bySize = new FacesBySize(classes);
        int predictions = 0;
        int matchedPredictions = 0;
        for (Photo photo : photos) {
            photo.truth().forEach(f -> annotated.merge(f.label(), 1, Integer::sum));
            List<String> predictedClasses = photo.predicted().stream()
                    .map(f -> classes.get(Prediction.classIndex(f.probabilities()))).toList();
            Matching matching = Matching.of(photo);
            bySize.add(photo, matching, predictedClasses);
            int[] matchOf = matching.truthOf(STRICT);
            for (int p = 0; p < matchOf.length; p++) {
                String predictedClass = predictedClasses.get(p);
                predictions++;
                predictedAs.merge(predictedClass, 1, Integer::sum);
                if (matchOf[p] < 0) {
                    continue;
                }
                matchedPredictions++;
                predictedAsMatched.merge(predictedClass, 1, Integer::sum);
                String truth = photo.truth().get(matchOf[p]).label();
                found.merge(truth, 1, Integer::sum);
                int t = classes.indexOf(truth);
                if (t >= 0) {
                    confusion[t][classes.indexOf(predictedClass)]++;
                } else if (truth.equals(INCORRECT)) {
                    incorrectPredictedAs.merge(predictedClass, 1, Integer::sum);
                }
            }
        }
        int annotatedTotal = annotated.values().stream().mapToInt(Integer::intValue).sum();
        Map<String, Object> detection = new LinkedHashMap<>();
        detection.put("iou_threshold", IOU);
        detection.put("recall", ratio(matchedPredictions, annotatedTotal));
        detection.put("precision", ratio(matchedPredictions, predictions));
        Map<String, Object> recallByClass = new LinkedHashMap<>();
        annotated.forEach((label, n) -> recallByClass.put(label,
                Map.of("recall", ratio(found.getOrDefault(label, 0), n), "annotated", n, "found", found.getOrDefault(label, 0))));
        detection.put("by_annotated_class", recallByClass);
        Map<String, Object> precisionByClass = new LinkedHashMap<>();
        predictedAs.forEach((label, n) -> precisionByClass.put(label,
                Map.of("precision", ratio(predictedAsMatched.getOrDefault(label, 0), n), "predicted", n)));
        detection.put("by_predicted_class", precisionByClass);

        Map<String, Object> report = new LinkedHashMap<>();
        report.put("photos", photos.size());
        report.put("annotated_faces", annotatedTotal);
        report.put("predicted_faces", predictions);
        report.put("detection", detection);
        report.put("classification_of_found_faces", classification(classes, confusion));
        report.put("end_to_end", bySize.endToEnd());
        report.put("by_face_size", bySize.faces());
        report.put("by_box_size", bySize.boxes());
        Map<String, Object> incorrect = new LinkedHashMap<>();
        incorrect.put("annotated", annotated.getOrDefault(INCORRECT, 0));
        incorrect.put("found", found.getOrDefault(INCORRECT, 0));
        incorrect.put("classified_as", incorrectPredictedAs);
        report.put(INCORRECT, incorrect);
        return report;
    }

    /** Where small faces are lost: bucket of an annotated box by its longer side in pixels. */
    public static int sizeBucket(FaceBox box) {
        double side = Math.max(box.w(), box.h());
        int b = 0;
        while (b < SIZE_BOUNDS.length && side >= SIZE_BOUNDS[b]) {
            b++;
        }
        return b;
    }

    public static String sizeBucketName(int b) {
        if (b == 0) {
            return "under_" + SIZE_BOUNDS[0] + "px";
        }
        return b == SIZE_BOUNDS.length ? SIZE_BOUNDS[b - 1] + "px_and_over" : SIZE_BOUNDS[b - 1] + "-" + (SIZE_BOUNDS[b] - 1) + "px";
    }

    /** The smallest longer side of bucket {@code b} (infinite past the last bucket). */
    static double sizeBucketFrom(int b) {
        if (b == 0) {
            return 0;
        }
        return b > SIZE_BOUNDS.length ? Double.POSITIVE_INFINITY : SIZE_BOUNDS[b - 1];
    }

    /** Accuracy, per-class precision/recall/F1 and the confusion matrix of the matched faces of the model's classes. */
    private static Map<String, Object> classification(List<String> classes, int[][] confusion) {
        int classified = 0;
        int correct = 0;
        Map<String, Object> perClass = new LinkedHashMap<>();
        for (int k = 0; k < classes.size(); k++) {
            int tp = confusion[k][k];
            int support = 0;
            int predictedK = 0;
            for (int j = 0; j < classes.size(); j++) {
                support += confusion[k][j];
                predictedK += confusion[j][k];
            }
            classified += support;
            correct += tp;
            double precision = ratio(tp, predictedK);
            double recall = ratio(tp, support);
            perClass.put(classes.get(k), Map.of("precision", precision, "recall", recall,
                    "f1", precision + recall == 0 ? 0.0 : 2 * precision * recall / (precision + recall), "support", support));
        }
        Map<String, Object> classification = new LinkedHashMap<>();
        classification.put("faces", classified);
        classification.put("accuracy", ratio(correct, classified));
        classification.put("classes", perClass);
        classification.put("confusion_matrix", confusion);
        return classification;
    }

    /**
     * One photo's matches at every threshold of {@link #IOUS}, both ways; {@code iou} below is an index into
     * {@link #IOUS}.
     */
    static final class Matching {
        /** [iou][prediction]: the annotated face matched, or -1. */
        private final int[][] truthOf;
        /** [iou][annotated face]: the prediction that matched it, or -1. */
        private final int[][] predictionOf;

        private Matching(int[][] truthOf, int[][] predictionOf) {
            this.truthOf = truthOf;
            this.predictionOf = predictionOf;
        }

        static Matching of(Photo photo) {
            int[][] truthOf = new int[IOUS.size()][];
            int[][] predictionOf = new int[IOUS.size()][photo.truth().size()];
            for (int i = 0; i < truthOf.length; i++) {
                truthOf[i] = match(photo.truth(), photo.predicted(), IOUS.get(i));
                Arrays.fill(predictionOf[i], -1);
                for (int p = 0; p < truthOf[i].length; p++) {
                    if (truthOf[i][p] >= 0) {
                        predictionOf[i][truthOf[i][p]] = p;
                    }
                }
            }
            return new Matching(truthOf, predictionOf);
        }

        /** For each prediction, the annotated face it matched, or -1. */
        int[] truthOf(int iou) {
            return truthOf[iou];
        }

        /** The prediction that matched annotated face {@code truth}, or -1. */
        int predictionOf(int iou, int truth) {
            return predictionOf[iou][truth];
        }

        /** Per threshold: whether annotated face {@code truth} was found. */
        boolean[] truthFound(int truth) {
            boolean[] found = new boolean[IOUS.size()];
            for (int i = 0; i < found.length; i++) {
                found[i] = predictionOf[i][truth] >= 0;
            }
            return found;
        }

        /** Per threshold: whether {@code prediction} matched an annotated face. */
        boolean[] predictionMatched(int prediction) {
            boolean[] matched = new boolean[IOUS.size()];
            for (int i = 0; i < matched.length; i++) {
                matched[i] = truthOf[i][prediction] >= 0;
            }
            return matched;
        }
    }

    static double ratio(int a, int b) {
        return b == 0 ? 0.0 : a / (double) b;
    }
}
