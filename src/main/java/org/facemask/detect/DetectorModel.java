package org.facemask.detect;

import org.apache.hadoop.conf.Configuration;
import org.facemask.config.FacesSettings;
import org.facemask.config.FacesSettings.Detector;
import org.facemask.model.ShippedFile;
import org.facemask.storage.Sha256;
import org.facemask.storage.Storage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Serializable;

/**
 * A face detector's settings and model bytes, read once on the driver and shipped to the tasks (in the task
 * closure or a broadcast); {@link #open()} builds the detector in a task.
 *
 * @param sha256 of the model file ("" for the Haar cascade, which comes with OpenCV), recorded in the outputs
 */
public record DetectorModel(FacesSettings settings, byte[] model, byte[] config, String sha256) implements Serializable {
    private static final Logger LOG = LoggerFactory.getLogger(DetectorModel.class);

    /** Reads the model file, or for yunet without faces.model the YuNet file shipped in the jar. */
    public static DetectorModel load(FacesSettings settings, Configuration hadoop) {
        if (settings.detector() == Detector.HAAR) {
            return new DetectorModel(settings, new byte[0], new byte[0], "");
        }
        boolean shipped = settings.model() == null;
        byte[] model = shipped ? ShippedFile.YUNET.readBytes() : Storage.readBytes(settings.model(), hadoop);
        byte[] config = settings.detector() == Detector.RES10 ? Storage.readBytes(settings.modelConfig(), hadoop)
                : new byte[0];
        DetectorModel loaded = new DetectorModel(settings, model, config, Sha256.hex(model));
        LOG.info("face detector: {} from {}", loaded.describe(), shipped
                ? "the copy shipped with the project, " + ShippedFile.YUNET.uri() : settings.model());
        return loaded;
    }

    /**
     * "yunet sha256:ebafce4e..." : which detector found the faces, for output rows and metrics; for res10 also its
     * network description (faces.model-config), which changes what the same weights find. score's incremental runs
     * compare it: another file is another way of scoring.
     */
    public String describe() {
        if (sha256.isEmpty()) {
            return settings.detector().code() + " (OpenCV's haarcascade_frontalface_default)";
        }
        String weights = settings.detector().code() + " sha256:" + sha256;
        return config.length == 0 ? weights : weights + ", config sha256:" + Sha256.hex(config);
    }

    public FaceFinder open() {
        // fused confidence is the sum over the passes divided by their number: a face can still reach faces.confidence
        // from boxes under it in some passes
        float minScore = (float) (settings.fusion() == FacesSettings.Fusion.WBF
                ? settings.confidence() / settings.passes() : settings.confidence());
        FaceDetector detector = switch (settings.detector()) {
            case YUNET -> new YuNetDetector(model, minScore);
            case RES10 -> new Res10Detector(model, config, minScore);
            case HAAR -> new HaarDetector(Math.max(8, settings.minSize() / 2));
        };
        return new FaceFinder(detector, settings);
    }
}
