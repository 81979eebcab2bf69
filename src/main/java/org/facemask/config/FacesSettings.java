package org.facemask.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Finding faces in photos of several people (score.faces, and evaluate on Pascal VOC folders).
 *
 * @param detector      yunet (ONNX model file), res10 (OpenCV's SSD: .pb model + .pbtxt config) or haar (OpenCV's
 *                      frontal-face cascade inside the OpenCV jar: no file)
 * @param model         the detector's model file (res10, and yunet when set); null for haar, and for yunet when
 *                      faces.model is empty: the YuNet file shipped in the jar is used then
 * @param modelConfig   res10's graph description (.pbtxt)
 * @param confidence    boxes below this detector confidence are dropped
 * @param nmsIou        of two boxes overlapping more than this (intersection over union), the less confident goes
 * @param minSize       faces whose shorter side is under this many pixels (of the original image) are dropped
 * @param margin        each side of a face box is widened by this fraction of the box before cropping, so that the
 *                      crop looks like the face images the classifier was trained on
 * @param detectSides   photos are resized (down or up) so that their longer side is this long before detection:
 *                      small faces in small photos are found far more often when enlarged; with several sides the
 *                      detector runs at each and the boxes of all are merged ({@code fusion})
 * @param boxAdjust     how the detector's boxes are moved and resized to look like annotated face boxes (and like
 *                      the faces of the training images): x += dx w, y += dy h, w *= sw, h *= sh
 * @param flip          the detector also runs on each resized photo's mirror image (a second pass)
 * @param fusion        how the boxes of several passes (sides, flip) become one box per face
 * @param verifySide    0, or each box found is looked at again: its surroundings resized to this side, where the
 *                      detector must find the face again, else the box is dropped
 * @param verifyMinSize only boxes whose longer side is at least this many pixels get the second look (smaller boxes
 *                      are mostly faces in the background, which a look at a few pixels enlarged misses)
 */
public record FacesSettings(Detector detector, URI model, URI modelConfig, double confidence, double nmsIou,
                            int minSize, double margin, List<Integer> detectSides, BoxAdjust boxAdjust, boolean flip,
                            Fusion fusion, int verifySide, int verifyMinSize) implements java.io.Serializable {
    /** x += dx w, y += dy h, w *= sw, h *= sh. */
    public record BoxAdjust(double dx, double dy, double sw, double sh) implements java.io.Serializable {
        public static final BoxAdjust NONE = new BoxAdjust(0, 0, 1, 1);
    }
    /** nms: the most confident box of overlapping ones; wbf: their confidence-weighted mean (weighted box fusion). */
    public enum Fusion {
        NMS, WBF
    }

    public enum Detector {
        YUNET, RES10, HAAR;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static FacesSettings from(Config c) {
        Detector detector = Checks.oneOf("faces.detector", c.getString("detector"), Detector.class);
        URI model = null;
        URI modelConfig = null;
        if (detector == Detector.YUNET && !c.getString("model").isBlank()) {
            model = StorageUri.parse("faces.model", c.getString("model"));
        }
        if (detector == Detector.RES10) {
            if (c.getString("model").isBlank()) {
                throw new ConfigError("faces.model must name the res10 model file (opencv_face_detector_uint8.pb from "
                        + "OpenCV's samples/dnn/face_detector; see README), or set faces.detector = yunet, whose model "
                        + "ships with the project, or haar, which needs no file");
            }
            model = StorageUri.parse("faces.model", c.getString("model"));
            modelConfig = StorageUri.parse("faces.model-config", Checks.nonBlank("faces.model-config",
                    c.getString("model-config")));
        }
        return new FacesSettings(detector, model, modelConfig,
                Checks.fraction("faces.confidence", c.getDouble("confidence")),
                Checks.fraction("faces.nms-iou", c.getDouble("nms-iou")),
                Checks.intIn(c, "faces.min-size", 1, 10_000),
                Checks.fraction("faces.margin", c.getDouble("margin")),
                detectSides(c),
                boxAdjust(detector, c),
                c.getBoolean("flip"),
                Checks.oneOf("faces.fusion", c.getString("fusion"), Fusion.class),
                verifySide(c),
                Checks.intIn(c, "faces.verify-min-size", 1, 10_000));
    }

    /**
     * The settings that decide which faces are found and how each is cropped, as one line (the score output's
     * {@code face_settings}): an incremental score run with other settings scores its files again. The detector's
     * model is named apart, by its sha256.
     */
    public String findingKey() {
        return String.format(Locale.ROOT, "%s detect-side=%s flip=%s fusion=%s confidence=%s nms-iou=%s min-size=%d "
                        + "box-adjust=[%s, %s, %s, %s] verify-side=%d verify-min-size=%d margin=%s", detector.code(),
                detectSides, flip, fusion.name().toLowerCase(Locale.ROOT), confidence, nmsIou, minSize, boxAdjust.dx(),
                boxAdjust.dy(), boxAdjust.sw(), boxAdjust.sh(), verifySide, verifyMinSize, margin);
    }

    /** How many times the detector runs on each photo: once per detect-side, twice with flip. */
    public int passes() {
        return detectSides.size() * (flip ? 2 : 1);
    }

    /**
     * Measured on face-mask-multi-dev's calibration half with the default settings (src/bench/faces-benchmark.sh
     * calibrate; docs/BENCHMARKS.md): the mean offset and size ratio of
     * the annotated box to the detector's matching box. YuNet's boxes start at the hairline and stop above the
     * chin; annotated faces (and the training images) run from the eyebrows to below the chin.
     */
    public static BoxAdjust calibrated(Detector detector) {
        return switch (detector) {
            case YUNET -> new BoxAdjust(0.006, 0.173, 1.039, 0.913);
            case RES10 -> new BoxAdjust(0.039, 0.208, 0.952, 0.817);
            case HAAR -> new BoxAdjust(0.080, 0.148, 0.849, 0.908);
        };
    }

    /** detect-side: one side, or a list of them (each at least 64, no repeats). */
    private static List<Integer> detectSides(Config c) {
        String key = "faces.detect-side";
        ConfigValue value = c.getValue("detect-side");
        List<Integer> sides = (value.valueType() == ConfigValueType.LIST ? c.getList("detect-side") : List.of(value))
                .stream().map(side -> Checks.intIn(key, side, 64, 10_000)).toList();
        if (sides.isEmpty() || sides.stream().distinct().count() != sides.size()) {
            throw new ConfigError(key + " must be a side in pixels or a list of different sides, got " + sides);
        }
        return sides;
    }

    /** verify-side: 0 (off) or a side the detector can look at (at least 32 pixels). */
    private static int verifySide(Config c) {
        int side = Checks.intIn(c, "faces.verify-side", 0, 4096);
        if (side > 0 && side < 32) {
            throw new ConfigError("faces.verify-side must be 0 (off) or at least 32 pixels, got " + side);
        }
        return side;
    }

    private static BoxAdjust boxAdjust(Detector detector, Config c) {
        if (c.getValue("box-adjust").valueType() == ConfigValueType.STRING) {
            String mode = c.getString("box-adjust").trim();
            return switch (mode) {
                case "auto" -> calibrated(detector);
                case "none" -> BoxAdjust.NONE;
                default -> throw new ConfigError("faces.box-adjust must be auto, none or [dx, dy, sw, sh], got '" + mode + "'");
            };
        }
        List<Double> v = c.getDoubleList("box-adjust");
        if (v.size() != 4 || v.get(2) <= 0 || v.get(3) <= 0) {
            throw new ConfigError("faces.box-adjust must be [dx, dy, sw, sh] with positive sw and sh, got " + v);
        }
        return new BoxAdjust(v.get(0), v.get(1), v.get(2), v.get(3));
    }
}
