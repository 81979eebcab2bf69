package org.facemask.prepare;

import org.facemask.config.SplitRatios;
import org.facemask.image.RejectReason;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SplitPlannerTest {
    private static final SplitRatios RATIOS = new SplitRatios(0.7, 0.2, 0.1);

    private static List<SplitPlanner.Candidate> distinct(String label, int n) {
        List<SplitPlanner.Candidate> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new SplitPlanner.Candidate(label + "/" + i + ".jpg", label, label + "-content-" + i));
        }
        return out;
    }

    private static Map<String, Split> splits(SplitPlanner.Plan plan) {
        return plan.accepted().stream().collect(Collectors.toMap(SplitPlanner.Assignment::path,
                SplitPlanner.Assignment::split));
    }

    @Test
    void eachClassIsCutAtTheFractions() {
        List<SplitPlanner.Candidate> all = new ArrayList<>(distinct("a", 1000));
        all.addAll(distinct("b", 30));
        SplitPlanner.Plan plan = SplitPlanner.plan(all, RATIOS, 42);
        Map<Split, Map<String, Long>> counts = plan.counts(List.of("a", "b"));
        assertEquals(700L, counts.get(Split.TRAIN).get("a"));
        assertEquals(200L, counts.get(Split.VAL).get("a"));
        assertEquals(100L, counts.get(Split.TEST).get("a"));
        assertEquals(21L, counts.get(Split.TRAIN).get("b"));
        assertEquals(6L, counts.get(Split.VAL).get("b"));
        assertEquals(3L, counts.get(Split.TEST).get("b"));
    }

    @Test
    void orderOfTheInputDoesNotMatter() {
        List<SplitPlanner.Candidate> all = new ArrayList<>(distinct("a", 200));
        all.addAll(distinct("b", 150));
        Map<String, Split> first = splits(SplitPlanner.plan(all, RATIOS, 42));
        Collections.shuffle(all, new Random(1));
        assertEquals(first, splits(SplitPlanner.plan(all, RATIOS, 42)));
        Map<String, Split> otherSeed = splits(SplitPlanner.plan(all, RATIOS, 43));
        assertNotEquals(first, otherSeed);
    }

    @Test
    void theSplitIsNotTheListingOrder() {
        // a split that followed file names would put all of a photo series in one split
        Map<String, Split> s = splits(SplitPlanner.plan(distinct("a", 100), RATIOS, 42));
        long testAmongFirstTen = s.entrySet().stream()
                .filter(e -> Integer.parseInt(e.getKey().replaceAll("\\D", "")) < 70)
                .filter(e -> e.getValue() != Split.TRAIN).count();
        assertTrue(testAmongFirstTen > 5, "non-train images among the first 70 names: " + testAmongFirstTen);
    }

    @Test
    void duplicatesKeepOneCopyAndConflictsKeepNone() {
        List<SplitPlanner.Candidate> all = new ArrayList<>(distinct("a", 10));
        all.add(new SplitPlanner.Candidate("a/copy of 3.jpg", "a", "a-content-3"));
        all.add(new SplitPlanner.Candidate("a/z.jpg", "a", "a-content-3"));
        all.add(new SplitPlanner.Candidate("a/x.jpg", "a", "shared"));
        all.add(new SplitPlanner.Candidate("b/x.jpg", "b", "shared"));
        SplitPlanner.Plan plan = SplitPlanner.plan(all, RATIOS, 42);

        Map<String, SplitPlanner.Rejection> rejected = new HashMap<>();
        plan.rejected().forEach(r -> rejected.put(r.path(), r));
        assertEquals(4, rejected.size());
        // "a/3.jpg" is shorter than "a/copy of 3.jpg" and sorts before "a/z.jpg": it is the copy kept
        assertEquals(RejectReason.DUPLICATE, rejected.get("a/z.jpg").reason());
        assertEquals("duplicate of a/3.jpg", rejected.get("a/z.jpg").detail());
        assertEquals(RejectReason.DUPLICATE, rejected.get("a/copy of 3.jpg").reason());
        assertEquals(RejectReason.CONFLICTING_LABEL, rejected.get("a/x.jpg").reason());
        assertEquals(RejectReason.CONFLICTING_LABEL, rejected.get("b/x.jpg").reason());
        assertTrue(rejected.get("b/x.jpg").detail().contains("[a, b]"));

        assertEquals(10, plan.accepted().size());
        assertEquals(all.size(), plan.accepted().size() + plan.rejected().size());
    }

    @Test
    void theFacesOfOnePhotoLandInOneSplitAndWholeImagesStayExactlyStratified() {
        List<SplitPlanner.Candidate> all = new ArrayList<>(distinct("a", 100));
        Random random = new Random(5);
        for (int photo = 0; photo < 600; photo++) {
            for (int face = 0; face < 1 + random.nextInt(4); face++) {
                String label = random.nextBoolean() ? "a" : "b";
                all.add(new SplitPlanner.Candidate("p" + photo + ".jpg#face" + face, label, "crop-" + photo + "-" + face,
                        "photo-" + photo));
            }
        }
        SplitPlanner.Plan plan = SplitPlanner.plan(all, RATIOS, 42);
        assertEquals(all.size(), plan.accepted().size());
        Map<String, java.util.Set<Split>> byPhoto = new HashMap<>();
        plan.accepted().stream().filter(a -> a.path().contains("#face"))
                .forEach(a -> byPhoto.computeIfAbsent(a.path().substring(0, a.path().indexOf('#')), k -> new java.util.HashSet<>())
                        .add(a.split()));
        byPhoto.forEach((photo, splits) -> assertEquals(1, splits.size(), photo + " in " + splits));
        // the photos spread over the splits at about the fractions
        Map<Split, Long> photos = byPhoto.values().stream().collect(Collectors.groupingBy(s -> s.iterator().next(),
                Collectors.counting()));
        assertTrue(Math.abs(photos.get(Split.TRAIN) / 600.0 - 0.7) < 0.06, photos.toString());
        assertTrue(Math.abs(photos.get(Split.TEST) / 600.0 - 0.1) < 0.04, photos.toString());
        // the whole images among them are still cut exactly: 70 / 20 / 10
        Map<Split, Long> whole = plan.accepted().stream().filter(a -> !a.path().contains("#"))
                .collect(Collectors.groupingBy(SplitPlanner.Assignment::split, Collectors.counting()));
        assertEquals(Map.of(Split.TRAIN, 70L, Split.VAL, 20L, Split.TEST, 10L), whole);
        // another seed moves photos, whole
        Map<String, Split> other = splits(SplitPlanner.plan(all, RATIOS, 7));
        assertNotEquals(splits(plan), other);
    }
}
