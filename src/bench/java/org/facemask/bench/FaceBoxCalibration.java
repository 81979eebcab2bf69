package org.facemask.bench;

import org.facemask.config.FacesSettings;
import org.facemask.config.PipelineConfig;
import org.facemask.detect.DetectorModel;
import org.facemask.detect.FaceBox;
import org.facemask.detect.FaceFinder;
import org.facemask.evaluate.FaceMetrics;
import org.facemask.prepare.VocAnnotation;
import org.facemask.image.ImageDecoder;
import org.facemask.image.JpegDecoder;
import org.facemask.image.RgbImage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Measures {@code faces.box-adjust} for the configured detector and detection settings: on the calibration half of a
 * Pascal VOC folder (the half FaceCropsExport trains on, never the evaluated one), each annotated face is paired with
 * the detector box that overlaps it most (IoU over 0.2, boxes unadjusted), and the mean offset of the annotated box's
 * corner (in units of the detected box) and the mean log ratio of the sizes are printed as [dx, dy, sw, sh], for the
 * faces of every size and for those of 32 px and more (the ones issue #21's targets count).
 *
 * <p>FaceBoxCalibration VOC_FOLDER [faces.key=value ...]   (src/bench/faces-benchmark.sh calibrate)
 */
public final class FaceBoxCalibration {
    public static void main(String[] args) throws Exception {
        Path voc = Path.of(args[0]);
        List<String> overrides = new ArrayList<>(Arrays.asList(args).subList(1, args.length));
        overrides.add("faces.box-adjust=none");
        FacesSettings settings = PipelineConfig.load(null, overrides).faces();
        DetectorModel detector = DetectorModel.load(settings, new org.apache.hadoop.conf.Configuration());
        ImageDecoder decoder = new ImageDecoder(40_000_000, JpegDecoder.AUTO);
        Mean all = new Mean();
        Mean large = new Mean();
        int annotated = 0;
        try (FaceFinder finder = detector.open(); Stream<Path> files = Files.list(voc.resolve("annotations"))) {
            for (Path xml : files.sorted().toList()) {
                VocAnnotation a = VocAnnotation.parse(Files.readAllBytes(xml));
                if (!FaceCropsExport.inHalf(a.filename(), 0)) {
                    continue;
                }
                RgbImage photo = decoder.decode(Files.readAllBytes(voc.resolve("images").resolve(a.filename()))).image();
                List<FaceBox> found = finder.find(photo);
                for (VocAnnotation.Face face : a.faces()) {
                    annotated++;
                    FaceBox t = face.box();
                    found.stream().filter(b -> b.iou(t) > 0.2).max(Comparator.comparingDouble(b -> b.iou(t)))
                            .ifPresent(best -> {
                                all.add(t, best);
                                if (Math.max(t.w(), t.h()) >= FaceMetrics.LARGE_FACE) {
                                    large.add(t, best);
                                }
                            });
                }
            }
        }
        System.out.printf(Locale.ROOT, "%s, %d annotated faces; box-adjust = %s (all sizes), %s (faces of %d px+)%n",
                detector.describe(), annotated, all, large, FaceMetrics.LARGE_FACE);
    }

    /** Mean corner offset and geometric mean size ratio of annotated boxes to their detected boxes. */
    private static final class Mean {
        private final double[] sum = new double[4];
        private int paired;

        void add(FaceBox annotated, FaceBox detected) {
            sum[0] += (annotated.x() - detected.x()) / detected.w();
            sum[1] += (annotated.y() - detected.y()) / detected.h();
            sum[2] += Math.log(annotated.w() / detected.w());
            sum[3] += Math.log(annotated.h() / detected.h());
            paired++;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "[%.3f, %.3f, %.3f, %.3f] from %d faces", sum[0] / paired,
                    sum[1] / paired, Math.exp(sum[2] / paired), Math.exp(sum[3] / paired), paired);
        }
    }
}
