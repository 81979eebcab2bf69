package org.facemask.evaluate;

import org.facemask.detect.FaceBox;
import org.facemask.prepare.VocAnnotation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Faces found and boxes matched, by size, at each of {@link FaceMetrics#IOUS}: the figures issue 21 sets its targets
 * on (faces of 32 px and more found, found and correctly classified; the share of boxes that are faces). The annotated
 * faces are counted by their box's longer side, the found boxes by theirs. A face counts as found and correct when it
 * is matched at {@link FaceMetrics#IOU} and called its annotated class.
 */
final class FacesBySize {
    private final List<String> classes;
    /** Per size range: the faces of the model's classes (as {@code end_to_end} counts them). */
    private final Map<SizeRange, Tally> classFaces = new LinkedHashMap<>();
    /** Per size range and annotated label, every label (mask_weared_incorrect too). */
    private final Map<SizeRange, Map<String, Tally>> facesByLabel = new LinkedHashMap<>();
    private final Map<SizeRange, Tally> boxes = new LinkedHashMap<>();
    private final TreeSet<String> otherLabels = new TreeSet<>();

    FacesBySize(List<String> classes) {
        this.classes = classes;
        for (SizeRange range : SizeRange.REPORTED) {
            classFaces.put(range, new Tally());
            facesByLabel.put(range, new LinkedHashMap<>());
            boxes.put(range, new Tally());
        }
    }

    /**
     * @param predictedClasses the class each found face was called, in the order of {@code photo.predicted()}
     */
    void add(FaceMetrics.Photo photo, FaceMetrics.Matching matching, List<String> predictedClasses) {
        for (int t = 0; t < photo.truth().size(); t++) {
            VocAnnotation.Face face = photo.truth().get(t);
            int strict = matching.predictionOf(FaceMetrics.STRICT, t);
            boolean correct = strict >= 0 && predictedClasses.get(strict).equals(face.label());
            boolean[] found = matching.truthFound(t);
            if (!classes.contains(face.label())) {
                otherLabels.add(face.label());
            }
            for (SizeRange range : SizeRange.containing(face.box())) {
                facesByLabel.get(range).computeIfAbsent(face.label(), l -> new Tally()).add(found, correct);
                if (classes.contains(face.label())) {
                    classFaces.get(range).add(found, correct);
                }
            }
        }
        for (int p = 0; p < photo.predicted().size(); p++) {
            boolean[] matched = matching.predictionMatched(p);
            SizeRange.containing(photo.predicted().get(p).box()).forEach(range -> boxes.get(range).add(matched, false));
        }
    }

    /** {@code end_to_end}'s counts: the faces of the model's classes, found and correctly classified. */
    Map<String, Object> endToEnd() {
        Map<String, Object> sizes = new LinkedHashMap<>();
        for (SizeRange range : SizeRange.BUCKETS) {
            sizes.put(range.name(), classFaces.get(range).endToEnd());
        }
        Map<String, Object> block = new LinkedHashMap<>();
        Tally all = classFaces.get(SizeRange.ALL);
        block.put("faces", all.items);
        block.put("found_and_correct", all.correct);
        block.put("share", FaceMetrics.ratio(all.correct, all.items));
        block.put("by_face_size", sizes);
        return block;
    }

    /** Per size range: the faces of the model's classes, then each annotated class apart. */
    Map<String, Object> faces() {
        List<String> labels = new ArrayList<>(classes);
        labels.addAll(otherLabels);
        Map<String, Object> block = new LinkedHashMap<>();
        classFaces.forEach((range, tally) -> {
            Map<String, Object> byLabel = new LinkedHashMap<>();
            for (String label : labels) {
                byLabel.put(label, facesByLabel.get(range).getOrDefault(label, new Tally()).faces(classes.contains(label)));
            }
            Map<String, Object> entry = tally.faces(true);
            entry.put("by_annotated_class", byLabel);
            block.put(range.name(), entry);
        });
        return block;
    }

    /** Per size range of the found box: how many boxes, and the share that matched an annotated face of any label. */
    Map<String, Object> boxes() {
        Map<String, Object> block = new LinkedHashMap<>();
        boxes.forEach((range, tally) -> block.put(range.name(), tally.counts("boxes", "matched", "precision")));
        return block;
    }

    /**
     * A range of box sizes, by the box's longer side in pixels: {@code from} inclusive, {@code to} exclusive.
     */
    record SizeRange(String name, double from, double to) {
        /** The face-size buckets of {@link FaceMetrics#sizeBucket}, in order. */
        static final List<SizeRange> BUCKETS = buckets();
        /** Where issue 21 sets its targets: faces a detector can be expected to find. */
        static final SizeRange LARGE = new SizeRange(FaceMetrics.LARGE_FACE + "px_and_over", FaceMetrics.LARGE_FACE,
                Double.POSITIVE_INFINITY);
        static final SizeRange ALL = new SizeRange("all_sizes", 0, Double.POSITIVE_INFINITY);
        static final List<SizeRange> REPORTED = reported();

        boolean contains(FaceBox box) {
            double side = Math.max(box.w(), box.h());
            return side >= from && side < to;
        }

        static List<SizeRange> containing(FaceBox box) {
            return REPORTED.stream().filter(r -> r.contains(box)).toList();
        }

        private static List<SizeRange> buckets() {
            List<SizeRange> buckets = new ArrayList<>();
            for (int b = 0; b < FaceMetrics.SIZE_BUCKETS; b++) {
                buckets.add(new SizeRange(FaceMetrics.sizeBucketName(b), FaceMetrics.sizeBucketFrom(b),
                        FaceMetrics.sizeBucketFrom(b + 1)));
            }
            return List.copyOf(buckets);
        }

        private static List<SizeRange> reported() {
            List<SizeRange> all = new ArrayList<>(BUCKETS);
            all.add(LARGE);
            all.add(ALL);
            return List.copyOf(all);
        }
    }

    /** How many items (annotated faces, or found boxes), how many matched at each IoU, how many also correctly classified. */
    private static final class Tally {
        private int items;
        private final int[] matched = new int[FaceMetrics.IOUS.size()];
        private int correct;

        void add(boolean[] matchedAt, boolean correctlyClassified) {
            items++;
            for (int i = 0; i < matched.length; i++) {
                matched[i] += matchedAt[i] ? 1 : 0;
            }
            correct += correctlyClassified ? 1 : 0;
        }

        /** {@code items} as {@code itemName}, and per IoU the matches and their share, e.g. found_iou50, recall_iou50. */
        Map<String, Object> counts(String itemName, String matchedName, String ratioName) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put(itemName, items);
            for (int i = 0; i < matched.length; i++) {
                String suffix = "_iou" + Math.round(FaceMetrics.IOUS.get(i) * 100);
                m.put(matchedName + suffix, matched[i]);
                m.put(ratioName + suffix, FaceMetrics.ratio(matched[i], items));
            }
            return m;
        }

        /** @param classified whether the faces are of a class the model knows (else "correct" has no meaning) */
        Map<String, Object> faces(boolean classified) {
            Map<String, Object> m = counts("faces", "found", "recall");
            if (classified) {
                m.put("found_and_correct", correct);
                m.put("share", FaceMetrics.ratio(correct, items));
            }
            return m;
        }

        Map<String, Object> endToEnd() {
            return Map.of("faces", items, "found", matched[FaceMetrics.STRICT], "found_and_correct", correct,
                    "share", FaceMetrics.ratio(correct, items));
        }
    }

}
