package org.facemask.model;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.facemask.config.ConfigError;
import org.facemask.config.ModelSettings;
import org.facemask.config.StorageUri;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.Set;

/**
 * Where the base's pretrained weights come from, decided (and checked to exist) before any Spark work. Only the
 * driver reads the file: executors receive the network built from it.
 *
 * @param file the weights file, or null when the base starts from random weights
 */
public record BaseWeightsSource(URI file) implements java.io.Serializable {
    private static final Logger LOG = LoggerFactory.getLogger(BaseWeightsSource.class);
    private static final ShippedFile SHIPPED = ShippedFile.MOBILENET_V2_035_224;
    /** The image sizes Keras publishes MobileNetV2 weights for. */
    private static final Set<Integer> KERAS_SIZES = Set.of(96, 128, 160, 192, 224);

    public boolean pretrained() {
        return file != null;
    }

    /** Whether the file is the copy inside the project's jar. */
    public boolean shipped() {
        return file != null && file.equals(SHIPPED.uri());
    }

    /** @throws ConfigError naming the expected file and where to get it when weights are required but absent */
    public static BaseWeightsSource resolve(ModelSettings model, int imageSize, Configuration hadoop) {
        ModelSettings.BaseWeights w = model.weights();
        java.nio.file.Path cache = kerasCacheFile(model.alpha(), imageSize);
        switch (w.mode()) {
            case NONE:
                LOG.warn("model.base.weights = none: the MobileNetV2 base starts from random weights and is trained "
                        + "with the head (slow, and far less accurate than a pretrained base)");
                return new BaseWeightsSource(null);
            case AUTO:
                URI found = defaultFile(model, imageSize);
                if (found != null) {
                    return new BaseWeightsSource(found);
                }
                LOG.warn("model.base.weights = auto: {} not found (the project ships only the alpha 0.35, 224 file), "
                        + "so the base starts from random weights and is trained too. For real accuracy download {} "
                        + "into {}", cache, kerasDownloadUrl(model.alpha(), imageSize), cache.getParent());
                return new BaseWeightsSource(null);
            case DEFAULT:
                URI required = defaultFile(model, imageSize);
                if (required == null) {
                    throw new ConfigError("model.base.weights: the ImageNet weights file " + cache + " is missing "
                            + "(the project ships only " + SHIPPED.fileName() + "). Download the official Keras "
                            + "applications file " + kerasFileName(model.alpha(), imageSize) + " from "
                            + kerasDownloadUrl(model.alpha(), imageSize) + " into " + cache.getParent()
                            + ", or set model.base.weights to its path; model.base.weights=none trains without "
                            + "pretrained weights");
                }
                return new BaseWeightsSource(required);
            default:
                URI uri = StorageUri.parse("model.base.weights", w.location());
                try {
                    FileSystem fs = FileSystem.get(uri, hadoop);
                    if (!fs.isFile(new Path(uri))) {
                        throw new ConfigError("model.base.weights: no such file " + new Path(uri)
                                + " (expected a Keras MobileNetV2 weights file such as " + kerasFileName(model.alpha(), imageSize) + ")");
                    }
                } catch (IOException e) {
                    throw new ConfigError("model.base.weights: cannot check " + uri + " (" + e.getMessage() + ")", e);
                }
                return new BaseWeightsSource(uri);
        }
    }

    /**
     * Keras's own file in ~/.keras/models/ when it is there (a Keras user's copy wins), else the copy shipped in the
     * jar when that is the very file Keras would use (alpha 0.35 at 224, or a size Keras has no file for), else null.
     */
    private static URI defaultFile(ModelSettings model, int imageSize) {
        java.nio.file.Path cache = kerasCacheFile(model.alpha(), imageSize);
        if (Files.isRegularFile(cache)) {
            return cache.toUri();
        }
        return kerasFileName(model.alpha(), imageSize).equals(SHIPPED.fileName()) ? SHIPPED.uri() : null;
    }

    /** Keras's own file name for these weights, e.g. mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224_no_top.h5. */
    private static String kerasFileName(double alpha, int imageSize) {
        int rows = KERAS_SIZES.contains(imageSize) ? imageSize : 224; // Keras falls back to the 224 weights too
        String a = alpha == Math.rint(alpha) ? String.format("%.1f", alpha)
                : BigDecimal.valueOf(alpha).stripTrailingZeros().toPlainString();
        return "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_" + a + "_" + rows + "_no_top.h5";
    }

    /** Where Keras users already have the weights: ~/.keras/models/. */
    private static java.nio.file.Path kerasCacheFile(double alpha, int imageSize) {
        return java.nio.file.Path.of(System.getProperty("user.home"), ".keras", "models", kerasFileName(alpha, imageSize));
    }

    /** Where the official file is published (the Keras applications release). */
    private static String kerasDownloadUrl(double alpha, int imageSize) {
        return "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/" + kerasFileName(alpha, imageSize);
    }

    /**
     * The file on local disk (HDF5 is read through a native library that needs a path): a file inside the jar or
     * on a remote file system is copied to a temp file.
     */
    java.nio.file.Path localCopy(Configuration hadoop) {
        if ("file".equals(file.getScheme())) {
            return java.nio.file.Path.of(file);
        }
        try {
            java.nio.file.Path local = Files.createTempFile("base-weights-", ".h5");
            local.toFile().deleteOnExit();
            if (shipped()) {
                try (InputStream in = file.toURL().openStream()) {
                    Files.copy(in, local, StandardCopyOption.REPLACE_EXISTING);
                }
            } else {
                FileSystem fs = FileSystem.get(file, hadoop);
                fs.copyToLocalFile(false, new Path(file), new Path(local.toUri()), true);
            }
            return local;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + file + " to local disk: " + e.getMessage(), e);
        }
    }
}
