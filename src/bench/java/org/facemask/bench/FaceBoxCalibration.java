package org.facemask.bench;

import org.facemask.config.FacesSettings;
import org.facemask.config.FacesSettings.Detector;
import org.facemask.detect.DetectorModel;
import org.facemask.detect.FaceBox;
import org.facemask.detect.FaceFinder;
import org.facemask.prepare.VocAnnotation;
import org.facemask.image.ImageDecoder;
import org.facemask.image.JpegDecoder;
import org.facemask.image.RgbImage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Measures {@code faces.box-adjust = auto} for one detector: on the calibration half of a Pascal VOC folder (the
 * half FaceCropsExport trains on, never the evaluated one), each annotated face is paired with the detector box
 * that overlaps it most (IoU over 0.2, boxes unadjusted), and the mean offset of the annotated box's corner (in
 * units of the detected box) and the mean log ratio of the sizes are printed as [dx, dy, sw, sh].
 *
 * <p>FaceBoxCalibration VOC_FOLDER yunet|res10|haar MODEL_FILE|- CONFIG_FILE|-   (src/bench/faces-benchmark.sh calibrate)
 */
public final class FaceBoxCalibration {
    public static void main(String[] args) throws Exception {
        Path voc = Path.of(args[0]);
        Detector detector = Detector.valueOf(args[1].toUpperCase(java.util.Locale.ROOT));
        byte[] model = args[2].equals("-") ? new byte[0] : Files.readAllBytes(Path.of(args[2]));
        byte[] config = args.length > 3 && !args[3].equals("-") ? Files.readAllBytes(Path.of(args[3])) : new byte[0];
        FacesSettings settings = new FacesSettings(detector, null, null, detector == Detector.HAAR ? 0 : 0.3, 0.3, 8,
                0.15, java.util.List.of(1024), FacesSettings.BoxAdjust.NONE, false,
                FacesSettings.Fusion.NMS, 0, 1);
        ImageDecoder decoder = new ImageDecoder(40_000_000, JpegDecoder.AUTO);
        double[] sum = new double[4];
        int paired = 0;
        int annotated = 0;
        try (FaceFinder finder = new DetectorModel(settings, model, config, "").open();
             Stream<Path> files = Files.list(voc.resolve("annotations"))) {
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
                    FaceBox best = found.stream().filter(b -> b.iou(t) > 0.2)
                            .max(java.util.Comparator.comparingDouble(b -> b.iou(t))).orElse(null);
                    if (best != null) {
                        sum[0] += (t.x() - best.x()) / best.w();
                        sum[1] += (t.y() - best.y()) / best.h();
                        sum[2] += Math.log(t.w() / best.w());
                        sum[3] += Math.log(t.h() / best.h());
                        paired++;
                    }
                }
            }
        }
        System.out.printf("%s: %d of %d annotated faces paired; box-adjust = [%.3f, %.3f, %.3f, %.3f]%n", detector.code(),
                paired, annotated, sum[0] / paired, sum[1] / paired, Math.exp(sum[2] / paired), Math.exp(sum[3] / paired));
    }
}
