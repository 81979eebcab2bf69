package org.facemask.bench;

import org.facemask.config.FacesSettings;
import org.facemask.config.FacesSettings.Detector;
import org.facemask.detect.DetectorModel;
import org.facemask.detect.FaceBox;
import org.facemask.detect.FaceFinder;
import org.facemask.detect.ScoredFace;
import org.facemask.evaluate.FaceMetrics;
import org.facemask.prepare.VocAnnotation;
import org.facemask.image.ImageDecoder;
import org.facemask.image.JpegDecoder;
import org.facemask.image.RgbImage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * YuNet's detection recall (IoU 0.5, with_mask and without_mask faces) by face size on the calibration half of a
 * Pascal VOC folder, for several detection sides and confidence thresholds: the detector settings are chosen here,
 * never on the evaluated half.
 *
 * <p>DetectionSweep VOC_FOLDER YUNET_MODEL SIDES CONFIDENCES, e.g. "1024 1024,2048" "0.3 0.2"
 * (src/bench/faces-benchmark.sh sweep)
 */
public final class DetectionSweep {
    public static void main(String[] args) throws Exception {
        Path voc = Path.of(args[0]);
        byte[] model = Files.readAllBytes(Path.of(args[1]));
        ImageDecoder decoder = new ImageDecoder(40_000_000, JpegDecoder.AUTO);
        List<VocAnnotation> annotations = new ArrayList<>();
        List<RgbImage> photos = new ArrayList<>();
        try (Stream<Path> files = Files.list(voc.resolve("annotations"))) {
            for (Path xml : files.sorted().toList()) {
                VocAnnotation a = VocAnnotation.parse(Files.readAllBytes(xml));
                if (FaceCropsExport.inHalf(a.filename(), 0)) {
                    annotations.add(a);
                    photos.add(decoder.decode(Files.readAllBytes(voc.resolve("images").resolve(a.filename()))).image());
                }
            }
        }
        for (String sides : args[2].split(" ")) {
            for (String confidence : args[3].split(" ")) {
                FacesSettings settings = new FacesSettings(Detector.YUNET, null, null, Double.parseDouble(confidence),
                        0.3, 8, 0.15, Stream.of(sides.split(",")).map(Integer::valueOf).toList(),
                        FacesSettings.calibrated(Detector.YUNET), false, FacesSettings.Fusion.NMS, 0, 1);
                sweepPoint(new DetectorModel(settings, model, new byte[0], ""), annotations, photos);
            }
        }
    }

    private static void sweepPoint(DetectorModel detector, List<VocAnnotation> annotations, List<RgbImage> photos) {
        int[] faces = new int[FaceMetrics.SIZE_BUCKETS];
        int[] found = new int[FaceMetrics.SIZE_BUCKETS];
        int[] missedByBestIou = new int[5]; // 0-0.1, ..., 0.4-0.5: missed outright, or boxed too loosely
        int boxes = 0;
        long start = System.nanoTime();
        try (FaceFinder finder = detector.open()) {
            for (int i = 0; i < photos.size(); i++) {
                List<VocAnnotation.Face> truth = annotations.get(i).faces().stream()
                        .filter(f -> !f.label().equals("mask_weared_incorrect")).toList();
                List<ScoredFace> predicted = finder.find(photos.get(i)).stream()
                        .map(b -> new ScoredFace(b, new float[0])).toList();
                boxes += predicted.size();
                boolean[] matched = new boolean[truth.size()];
                for (int t : FaceMetrics.match(truth, predicted)) {
                    if (t >= 0) {
                        matched[t] = true;
                    }
                }
                for (int t = 0; t < truth.size(); t++) {
                    FaceBox face = truth.get(t).box();
                    faces[FaceMetrics.sizeBucket(face)]++;
                    if (matched[t]) {
                        found[FaceMetrics.sizeBucket(face)]++;
                    } else {
                        double best = predicted.stream().mapToDouble(p -> p.box().iou(face)).max().orElse(0);
                        missedByBestIou[(int) Math.min(4, best * 10)]++;
                    }
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        StringBuilder bySize = new StringBuilder();
        for (int b = 0; b < faces.length; b++) {
            bySize.append(String.format(" %s %.3f (%d);", FaceMetrics.sizeBucketName(b), found[b] / (double) faces[b], faces[b]));
        }
        FacesSettings s = detector.settings();
        System.out.printf("detect-side %s confidence %.2f: recall %.3f of %d,%s %d boxes, %.1f s for %d photos%n",
                s.detectSides(), s.confidence(), IntStream.of(found).sum() / (double) IntStream.of(faces).sum(),
                IntStream.of(faces).sum(), bySize, boxes, seconds, photos.size());
        System.out.printf("  missed faces by their best IoU with any box: 0-0.1 %d, 0.1-0.2 %d, 0.2-0.3 %d, 0.3-0.4 %d, 0.4-0.5 %d%n",
                missedByBestIou[0], missedByBestIou[1], missedByBestIou[2], missedByBestIou[3], missedByBestIou[4]);
    }
}
