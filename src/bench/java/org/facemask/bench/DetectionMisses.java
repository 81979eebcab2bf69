package org.facemask.bench;

import org.facemask.config.FacesSettings;
import org.facemask.config.PipelineConfig;
import org.facemask.detect.DetectorModel;
import org.facemask.detect.FaceBox;
import org.facemask.detect.FaceFinder;
import org.facemask.detect.ScoredFace;
import org.facemask.evaluate.FaceMetrics;
import org.facemask.image.ImageDecoder;
import org.facemask.image.JpegDecoder;
import org.facemask.image.RgbImage;
import org.facemask.prepare.VocAnnotation;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Why the detector misses the faces it misses, and what its unmatched boxes are, by face size: the diagnosis issue
 * 21 asks for before any tuning. Detection only (no classifier), on one half of a Pascal VOC folder, with the faces
 * settings of the configuration plus any {@code faces.*=value} given.
 *
 * <p>Each annotated with_mask/without_mask face that no kept box matches at IoU 0.5 is put in the first class that
 * explains it:
 * <ul>
 *   <li>{@code framed differently}: a kept box overlaps it at IoU 0.3-0.5 (a matching artefact, or framing);</li>
 *   <li>{@code not found again}: a box at IoU 0.5 was kept until the second look (faces.verify-side) dropped it;</li>
 *   <li>{@code suppressed}: the detector had a box at IoU 0.5 above the confidence, but overlap suppression (or
 *       fusion) dropped it for another (a neighbour's box, or a worse framed one of another pass);</li>
 *   <li>{@code below confidence}: a box at IoU 0.5 exists only under faces.confidence (down to 0.02);</li>
 *   <li>{@code no box}: not even that.</li>
 * </ul>
 * Each kept box that matches no face: {@code duplicate} (IoU 0.5 with a face another box took), {@code loose}
 * (IoU 0.3-0.5 with a face), {@code part of a face} (0.1-0.3), {@code no annotated face} (under 0.1: background,
 * or a person the annotators skipped).
 *
 * <p>DetectionMisses VOC_FOLDER HALF(0|1) OUT_FOLDER|- [faces.key=value ...]: with an OUT_FOLDER, every miss and
 * every unmatched box is also written as a picture (the face or box with its surroundings, enlarged to 160 px,
 * annotation white, kept boxes green, the best box under the threshold orange) under
 * OUT_FOLDER/missed/&lt;class&gt;/ and OUT_FOLDER/unmatched/&lt;class&gt;/, named by size, photo and confidence.
 */
public final class DetectionMisses {
    private static final double RAW_CONFIDENCE = 0.02;
    private static final String[] MISS = {"framed differently", "not found again", "suppressed", "below confidence",
        "no box"};
    private static final String[] FALSE = {"duplicate", "loose", "part of a face", "no annotated face"};

    public static void main(String[] args) throws Exception {
        Path voc = Path.of(args[0]);
        int half = Integer.parseInt(args[1]);
        Path out = args[2].equals("-") ? null : Path.of(args[2]);
        List<String> overrides = Arrays.asList(args).subList(3, args.length);
        FacesSettings settings = faces(overrides);
        DetectorModel detector = DetectorModel.load(settings, new org.apache.hadoop.conf.Configuration());
        // the same passes with every box the detector puts out, and the same detection before the second look
        DetectorModel everyBox = sameModel(detector, faces(overrides, "faces.confidence=" + RAW_CONFIDENCE,
                "faces.nms-iou=1", "faces.fusion=nms", "faces.verify-side=0"));
        DetectorModel firstLook = sameModel(detector, faces(overrides, "faces.verify-side=0"));
        ImageDecoder decoder = new ImageDecoder(40_000_000, JpegDecoder.AUTO);

        Counts counts = new Counts();
        long detectNanos = 0;
        int photos = 0;
        try (FaceFinder finder = detector.open(); FaceFinder all = everyBox.open(); FaceFinder first = firstLook.open();
             Stream<Path> files = Files.list(voc.resolve("annotations"))) {
            for (Path xml : files.sorted().toList()) {
                VocAnnotation a = VocAnnotation.parse(Files.readAllBytes(xml));
                if (!FaceCropsExport.inHalf(a.filename(), half)) {
                    continue;
                }
                RgbImage photo = decoder.decode(Files.readAllBytes(voc.resolve("images").resolve(a.filename()))).image();
                photos++;
                long start = System.nanoTime();
                List<FaceBox> kept = finder.find(photo);
                detectNanos += System.nanoTime() - start;
                List<FaceBox> candidates = all.find(photo);
                List<FaceBox> beforeSecondLook = settings.verifySide() > 0 ? first.find(photo) : kept;
                counts.add(a, photo, kept, beforeSecondLook, candidates, settings.confidence(), out);
            }
        }
        System.out.printf(Locale.ROOT, "%s, faces settings %s%n%d photos of half %d, detection %.1f s (%.0f ms a photo)%n",
                detector.describe(), settings, photos, half, detectNanos / 1e9, detectNanos / 1e6 / photos);
        counts.print();
    }

    /** The faces settings of the defaults with {@code overrides}, then {@code more}. */
    private static FacesSettings faces(List<String> overrides, String... more) {
        List<String> all = new ArrayList<>(overrides);
        all.addAll(List.of(more));
        return PipelineConfig.load(null, all).faces();
    }

    private static DetectorModel sameModel(DetectorModel loaded, FacesSettings settings) {
        return new DetectorModel(settings, loaded.model(), loaded.config(), loaded.sha256());
    }

    /** Tallies by face (or box) size bucket. */
    private static final class Counts {
        final int[] faces = new int[FaceMetrics.SIZE_BUCKETS];
        final int[] foundAt05 = new int[FaceMetrics.SIZE_BUCKETS];
        final int[] foundAt03 = new int[FaceMetrics.SIZE_BUCKETS];
        final Map<String, int[]> missed = new TreeMap<>();
        final int[] boxes = new int[FaceMetrics.SIZE_BUCKETS];
        final int[] matchedBoxes = new int[FaceMetrics.SIZE_BUCKETS];
        final Map<String, int[]> unmatched = new TreeMap<>();
        final Map<String, int[]> byClass = new TreeMap<>(); // label -> faces, found at 0.5, of them 32 px and over

        void add(VocAnnotation a, RgbImage photo, List<FaceBox> kept, List<FaceBox> beforeSecondLook,
                 List<FaceBox> candidates, double confidence,
                 Path out) throws Exception {
            List<VocAnnotation.Face> truth = a.faces().stream().filter(f -> !f.label().equals(FaceMetrics.INCORRECT)).toList();
            List<ScoredFace> predicted = kept.stream().map(b -> new ScoredFace(b, new float[0])).toList();
            int[] at05 = FaceMetrics.match(truth, predicted);
            boolean[] found = new boolean[truth.size()];
            for (int t : at05) {
                if (t >= 0) {
                    found[t] = true;
                }
            }
            int[] at03 = FaceMetrics.match(truth, predicted, FaceMetrics.LOOSE_IOU);
            boolean[] foundLoosely = new boolean[truth.size()];
            for (int t : at03) {
                if (t >= 0) {
                    foundLoosely[t] = true;
                }
            }
            // faces with any annotation, incorrectly worn masks too, so that a box on one is not called background
            List<FaceBox> annotated = a.faces().stream().map(VocAnnotation.Face::box).toList();
            for (int t = 0; t < truth.size(); t++) {
                FaceBox face = truth.get(t).box();
                int bucket = FaceMetrics.sizeBucket(face);
                faces[bucket]++;
                foundAt05[bucket] += found[t] ? 1 : 0;
                countClass(truth.get(t).label() + " (all)", found[t]);
                if (bucket >= 2) {
                    countClass(truth.get(t).label() + " (32 px+)", found[t]);
                }
                foundAt03[bucket] += foundLoosely[t] ? 1 : 0;
                if (found[t]) {
                    continue;
                }
                double bestKept = best(kept, face);
                FaceBox bestCandidate = bestBox(candidates, face);
                double bestCandidateIou = bestCandidate == null ? 0 : bestCandidate.iou(face);
                int why;
                if (bestKept >= FaceMetrics.LOOSE_IOU) {
                    why = 0;
                } else if (best(beforeSecondLook, face) >= FaceMetrics.IOU) {
                    why = 1;
                } else if (candidates.stream().anyMatch(b -> b.confidence() >= confidence && b.iou(face) >= FaceMetrics.IOU)) {
                    why = 2;
                } else if (bestCandidateIou >= FaceMetrics.IOU) {
                    why = 3;
                } else {
                    why = 4;
                }
                missed.computeIfAbsent(MISS[why], k -> new int[FaceMetrics.SIZE_BUCKETS])[bucket]++;
                if (out != null) {
                    write(out.resolve("missed").resolve(MISS[why].replace(' ', '-')), a.filename(), photo, face, kept,
                            bestCandidate, String.format(Locale.ROOT, "%03dpx_%s_%s_best%.2f", (int) Math.max(face.w(), face.h()),
                                    truth.get(t).label(), stem(a.filename()), bestCandidate == null ? 0 : bestCandidate.confidence()));
                }
            }
            for (int p = 0; p < kept.size(); p++) {
                FaceBox box = kept.get(p);
                int bucket = FaceMetrics.sizeBucket(box);
                boxes[bucket]++;
                if (at05[p] >= 0) {
                    matchedBoxes[bucket]++;
                    continue;
                }
                double overlap = best(annotated, box);
                int what = overlap >= FaceMetrics.IOU ? 0 : overlap >= 0.3 ? 1 : overlap >= 0.1 ? 2 : 3;
                unmatched.computeIfAbsent(FALSE[what], k -> new int[FaceMetrics.SIZE_BUCKETS])[bucket]++;
                if (out != null) {
                    write(out.resolve("unmatched").resolve(FALSE[what].replace(' ', '-')), a.filename(), photo, box, kept, null,
                            String.format(Locale.ROOT, "%03dpx_%s_conf%.2f", (int) Math.max(box.w(), box.h()),
                                    stem(a.filename()), box.confidence()));
                }
            }
        }

        private void countClass(String key, boolean found) {
            int[] n = byClass.computeIfAbsent(key, k -> new int[2]);
            n[0]++;
            n[1] += found ? 1 : 0;
        }

        void print() {
            System.out.println(row("annotated faces (longer side)", faces));
            System.out.println(row("found at IoU 0.5", foundAt05) + ratios(foundAt05, faces));
            System.out.println(row("found at IoU 0.3", foundAt03) + ratios(foundAt03, faces));
            missed.forEach((why, n) -> System.out.println(row("  missed: " + why, n)));
            System.out.println(row("kept boxes (their longer side)", boxes));
            System.out.println(row("matching a face at 0.5", matchedBoxes) + ratios(matchedBoxes, boxes));
            unmatched.forEach((what, n) -> System.out.println(row("  unmatched: " + what, n)));
            byClass.forEach((label, n) -> System.out.printf(Locale.ROOT, "%s: %d of %d found at IoU 0.5 (%.3f)%n",
                    label, n[1], n[0], n[1] / (double) Math.max(1, n[0])));
        }

        private static String row(String name, int[] n) {
            StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%-34s", name));
            for (int b = 0; b < n.length; b++) {
                s.append(String.format(Locale.ROOT, " %s %5d", FaceMetrics.sizeBucketName(b), n[b]));
            }
            return s.append(String.format(Locale.ROOT, "  32px+ %5d  all %5d", n[2] + n[3], Arrays.stream(n).sum())).toString();
        }

        private static String ratios(int[] part, int[] whole) {
            StringBuilder s = new StringBuilder("  =");
            for (int b = 0; b < part.length; b++) {
                s.append(String.format(Locale.ROOT, " %.3f", part[b] / (double) Math.max(1, whole[b])));
            }
            return s.append(String.format(Locale.ROOT, "  32px+ %.3f  all %.3f",
                    (part[2] + part[3]) / (double) Math.max(1, whole[2] + whole[3]),
                    Arrays.stream(part).sum() / (double) Math.max(1, Arrays.stream(whole).sum()))).toString();
        }
    }

    private static double best(List<FaceBox> boxes, FaceBox face) {
        return boxes.stream().mapToDouble(b -> b.iou(face)).max().orElse(0);
    }

    private static FaceBox bestBox(List<FaceBox> boxes, FaceBox face) {
        FaceBox best = null;
        for (FaceBox b : boxes) {
            if (b.iou(face) > 0 && (best == null || b.iou(face) > best.iou(face))) {
                best = b;
            }
        }
        return best;
    }

    private static String stem(String filename) {
        return filename.replaceFirst("\\.[^.]+$", "");
    }

    /** The box with a box's width of surroundings, enlarged to 160 px, with the boxes near it drawn in. */
    private static void write(Path dir, String photoName, RgbImage photo, FaceBox focus, List<FaceBox> kept,
                              FaceBox candidate, String name) throws Exception {
        Files.createDirectories(dir);
        double side = Math.max(focus.w(), focus.h()) * 3;
        FaceBox view = new FaceBox(focus.x() + focus.w() / 2 - side / 2, focus.y() + focus.h() / 2 - side / 2, side, side, 1f)
                .clippedTo(photo.width(), photo.height());
        int x0 = (int) view.x();
        int y0 = (int) view.y();
        int w = Math.max(1, (int) view.w());
        int h = Math.max(1, (int) view.h());
        double scale = 160.0 / Math.max(w, h);
        BufferedImage picture = new BufferedImage((int) Math.ceil(w * scale), (int) Math.ceil(h * scale), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = picture.createGraphics();
        g.drawImage(photo.toBufferedImage().getSubimage(x0, y0, Math.min(w, photo.width() - x0), Math.min(h, photo.height() - y0)),
                0, 0, picture.getWidth(), picture.getHeight(), null);
        g.setStroke(new BasicStroke(1.5f));
        if (candidate != null) {
            draw(g, candidate, x0, y0, scale, Color.ORANGE);
        }
        for (FaceBox b : kept) {
            draw(g, b, x0, y0, scale, Color.GREEN);
        }
        draw(g, focus, x0, y0, scale, Color.WHITE);
        g.dispose();
        ImageIO.write(picture, "png", dir.resolve(name + ".png").toFile());
    }

    private static void draw(Graphics2D g, FaceBox b, int x0, int y0, double scale, Color color) {
        g.setColor(color);
        g.drawRect((int) ((b.x() - x0) * scale), (int) ((b.y() - y0) * scale), (int) (b.w() * scale), (int) (b.h() * scale));
    }
}
