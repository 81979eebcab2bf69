package org.facemask.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URI;
import java.net.URL;

/**
 * A third-party model file that ships inside the project's jar, so that a fresh machine or a cluster without
 * internet access has it (NOTICE lists each with its origin, licence and sha256). The jar is on the driver's class
 * path wherever the job runs, spark-submit included; executors never read these files: they receive the built
 * network or the detector's bytes from the driver.
 */
public enum ShippedFile {
    /** ImageNet MobileNetV2 (alpha 0.35, 224 x 224) without its top, in the layout of the Keras applications file. */
    MOBILENET_V2_035_224("mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224_no_top.h5"),
    /** The YuNet face detector (OpenCV Zoo), the default of faces.detector = yunet. */
    YUNET("face_detection_yunet_2026may.onnx");

    private static final String FOLDER = "/org/facemask/shipped/";

    private final String fileName;

    ShippedFile(String fileName) {
        this.fileName = fileName;
    }

    public String fileName() {
        return fileName;
    }

    /** Where the class path holds it: {@code jar:file:...!/org/facemask/shipped/...}, or a file: URI in a build tree. */
    public URI uri() {
        try {
            return url().toURI();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("the class path location of " + fileName + " is no URI: " + e.getMessage(), e);
        }
    }

    public byte[] readBytes() {
        try (InputStream in = url().openStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + url() + ": " + e.getMessage(), e);
        }
    }

    private URL url() {
        URL url = ShippedFile.class.getResource(FOLDER + fileName);
        if (url == null) {
            throw new IllegalStateException("the class path has no " + FOLDER + fileName
                    + ": the facemask jar was built without its shipped models (src/main/resources" + FOLDER + ")");
        }
        return url;
    }
}
