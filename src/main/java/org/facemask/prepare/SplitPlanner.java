package org.facemask.prepare;

import org.facemask.config.SplitRatios;
import org.facemask.image.RejectReason;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * De-duplication and the train/val/test split of decoded images: a pure function of the (path, label, sha256)
 * triples, so its result does not depend on listing order, partitioning or the number of executors.
 *
 * <p>Identical content (same sha256) is kept once: the copy with the shortest path stays (so {@code face.jpg} wins
 * over {@code face copy.jpg}; ties by name), the others are rejected as duplicates of it. Identical content under two labels cannot be labelled at all and every copy is rejected.
 *
 * <p>Each class is then ordered by a seeded hash of its content and cut at the configured fractions, so the split
 * is exactly stratified (per class counts are the fractions rounded) and the same content lands in the same split
 * on every run with the same input and seed. Because one copy per content survives, no content is in two splits.
 *
 * <p>Images that must share a split (the faces cut from one annotated photo: a photo's faces in train and test would
 * leak) carry a group. A group goes to the split where a seeded hash of the group, as a fraction of 1, falls among
 * the cumulative fractions: deterministic and stratified in expectation, never exactly, since a photo holds faces of
 * several classes.
 */
public final class SplitPlanner {
    private SplitPlanner() {
    }

    /**
     * A decoded image that may enter the dataset.
     *
     * @param group null for an image on its own; else every candidate of the group lands in the same split
     */
    public record Candidate(String path, String label, String sha256, String group) {
        public Candidate(String path, String label, String sha256) {
            this(path, label, sha256, null);
        }
    }

    public record Rejection(String path, String label, RejectReason reason, String detail) {
    }

    /** An image that is in the dataset, and in which split. */
    public record Assignment(String path, String label, Split split) {
    }

    /**
     * @param accepted one assignment per kept image, sorted by path
     * @param rejected duplicates and conflicting copies, sorted by path
     */
    public record Plan(List<Assignment> accepted, List<Rejection> rejected) {
        /** @return accepted images per split and class, every listed class present in every split */
        public Map<Split, Map<String, Long>> counts(List<String> classes) {
            return SplitPlanner.counts(accepted, classes);
        }
    }

    /** @return the assignments per split and class, every listed class present in every split */
    public static Map<Split, Map<String, Long>> counts(Collection<Assignment> assignments, List<String> classes) {
        Map<Split, Map<String, Long>> out = new EnumMap<>(Split.class);
        for (Split s : Split.values()) {
            Map<String, Long> perClass = new TreeMap<>();
            classes.forEach(c -> perClass.put(c, 0L));
            out.put(s, perClass);
        }
        assignments.forEach(a -> out.get(a.split()).merge(a.label(), 1L, Long::sum));
        return out;
    }

    public static Plan plan(Collection<Candidate> candidates, SplitRatios ratios, long seed) {
        Map<String, List<Candidate>> byContent = candidates.stream()
                .collect(Collectors.groupingBy(Candidate::sha256, TreeMap::new, Collectors.toList()));
        List<Rejection> rejected = new ArrayList<>();
        Map<String, List<Candidate>> keptByLabel = new TreeMap<>();
        for (List<Candidate> copies : byContent.values()) {
            copies.sort(Comparator.comparingInt((Candidate c) -> c.path().length()).thenComparing(Candidate::path));
            TreeSet<String> labels = copies.stream().map(Candidate::label).collect(Collectors.toCollection(TreeSet::new));
            if (labels.size() > 1) {
                String paths = copies.stream().map(Candidate::path).collect(Collectors.joining(", "));
                for (Candidate c : copies) {
                    rejected.add(new Rejection(c.path(), c.label(), RejectReason.CONFLICTING_LABEL,
                            "identical content under classes " + labels + ": " + paths));
                }
                continue;
            }
            Candidate kept = copies.get(0);
            keptByLabel.computeIfAbsent(kept.label(), l -> new ArrayList<>()).add(kept);
            for (Candidate dup : copies.subList(1, copies.size())) {
                rejected.add(new Rejection(dup.path(), dup.label(), RejectReason.DUPLICATE, "duplicate of " + kept.path()));
            }
        }
        List<Assignment> accepted = new ArrayList<>();
        for (List<Candidate> inClass : keptByLabel.values()) {
            for (Candidate c : inClass) {
                if (c.group() != null) {
                    accepted.add(new Assignment(c.path(), c.label(), groupSplit(seed, c.group(), ratios)));
                }
            }
            inClass.removeIf(c -> c.group() != null);
            Map<String, Long> order = new HashMap<>();
            inClass.forEach(c -> order.put(c.sha256(), splitKey(seed, c.sha256())));
            inClass.sort(Comparator.comparing((Candidate c) -> order.get(c.sha256())).thenComparing(Candidate::sha256));
            int n = inClass.size();
            int trainEnd = (int) Math.round(n * ratios.train());
            int valEnd = Math.max(trainEnd, (int) Math.round(n * (ratios.train() + ratios.val())));
            for (int i = 0; i < n; i++) {
                Split split = i < trainEnd ? Split.TRAIN : i < valEnd ? Split.VAL : Split.TEST;
                Candidate c = inClass.get(i);
                accepted.add(new Assignment(c.path(), c.label(), split));
            }
        }
        accepted.sort(Comparator.comparing(Assignment::path));
        rejected.sort(Comparator.comparing(Rejection::path));
        return new Plan(List.copyOf(accepted), List.copyOf(rejected));
    }

    /** The split of a group: where its seeded hash, as a fraction of 1, falls among the cumulative fractions. */
    static Split groupSplit(long seed, String group, SplitRatios ratios) {
        double u = (splitKey(seed, group) >>> 11) / (double) (1L << 53);
        return u < ratios.train() ? Split.TRAIN : u < ratios.train() + ratios.val() ? Split.VAL : Split.TEST;
    }

    /** First 8 bytes of sha256(seed || content hash): a uniform order that only the seed and the content decide. */
    static long splitKey(long seed, String sha256) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(ByteBuffer.allocate(Long.BYTES).putLong(seed).array());
            digest.update(sha256.getBytes(StandardCharsets.US_ASCII));
            return ByteBuffer.wrap(digest.digest()).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
