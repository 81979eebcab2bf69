package org.facemask.model;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.modelimport.keras.Hdf5Archive;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Loads Keras MobileNetV2 weights into {@link MobileNetV2}'s graph by layer name. Reads both layouts Keras writes:
 * the weights-only file of the Keras applications release ({@code <layer>/<layer>/kernel:0} at the root) and a whole
 * saved model ({@code model_weights/<layer>/<layer>/kernel:0}). Every weighted layer of the graph must be found with
 * exactly the expected shape; the first that is not is named in the error, with the file.
 */
public final class KerasWeights {
    private static final byte[] HDF5_SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1A, '\n'};

    private KerasWeights() {
    }

    /** Thrown when a weights file cannot be used; the message names the file and the first problem. */
    public static final class WeightsError extends RuntimeException {
        public WeightsError(String message) {
            super(message);
        }

        WeightsError(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** @return the sha256 of the file, for the model's metadata */
    public static String load(Path file, ComputationGraph graph) {
        requireHdf5(file);
        String sha256 = sha256(file);
        try (Hdf5Archive archive = new Hdf5Archive(file.toString())) {
            String[] root = archive.getGroups().contains("model_weights") ? new String[]{"model_weights"} : new String[0];
            for (Layer layer : graph.getLayers()) {
                org.deeplearning4j.nn.conf.layers.Layer conf = layer.conf().getLayer();
                String name = conf.getLayerName();
                if (conf instanceof org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D) {
                    // Keras [kh, kw, in, multiplier] is DL4J's layout too
                    assign(file, archive, root, layer, name, "depthwise_kernel:0", ConvolutionParamInitializer.WEIGHT_KEY, null);
                } else if (conf instanceof org.deeplearning4j.nn.conf.layers.ConvolutionLayer) {
                    // Keras [kh, kw, in, out] -> DL4J [out, in, kh, kw]
                    assign(file, archive, root, layer, name, "kernel:0", ConvolutionParamInitializer.WEIGHT_KEY, new int[]{3, 2, 0, 1});
                } else if (conf instanceof org.deeplearning4j.nn.conf.layers.BatchNormalization) {
                    assign(file, archive, root, layer, name, "gamma:0", BatchNormalizationParamInitializer.GAMMA, null);
                    assign(file, archive, root, layer, name, "beta:0", BatchNormalizationParamInitializer.BETA, null);
                    assign(file, archive, root, layer, name, "moving_mean:0", BatchNormalizationParamInitializer.GLOBAL_MEAN, null);
                    assign(file, archive, root, layer, name, "moving_variance:0", BatchNormalizationParamInitializer.GLOBAL_VAR, null);
                }
            }
        } catch (WeightsError e) {
            throw e;
        } catch (Exception e) {
            throw new WeightsError("cannot read Keras weights from " + file + " (truncated or not a Keras HDF5 file?): "
                    + e.getMessage(), e);
        }
        return sha256;
    }

    private static void assign(Path file, Hdf5Archive archive, String[] root, Layer layer, String layerName,
                               String dataset, String paramKey, int[] permute) throws Exception {
        String[] groups = Arrays.copyOf(root, root.length + 2);
        groups[root.length] = layerName;
        groups[root.length + 1] = layerName;
        List<String> available;
        try {
            available = archive.getDataSets(groups);
        } catch (Exception e) {
            throw new WeightsError(file + " has no weights for layer '" + layerName + "'", e);
        }
        if (!available.contains(dataset)) {
            throw new WeightsError(file + " has no '" + dataset + "' for layer '" + layerName + "' (found " + available + ")");
        }
        INDArray stored = archive.readDataSet(dataset, groups);
        INDArray value = permute == null ? stored : stored.permute(permute);
        INDArray param = layer.getParam(paramKey);
        if (param == null) {
            throw new IllegalStateException("layer '" + layerName + "' has no parameter '" + paramKey + "'");
        }
        long[] expected = param.shape();
        if (value.length() != param.length() || !sameShapeIgnoringUnitDims(value.shape(), expected)) {
            throw new WeightsError(file + ": layer '" + layerName + "' " + dataset + " has shape "
                    + Arrays.toString(stored.shape()) + " but this network (check model.base.alpha) needs "
                    + Arrays.toString(kerasShape(expected, permute)));
        }
        param.assign(value.castTo(DataType.FLOAT).reshape(expected));
    }

    /** The Keras-layout shape of a DL4J parameter shape, for messages that match what Keras users know. */
    private static long[] kerasShape(long[] dl4jShape, int[] permute) {
        if (permute == null) {
            return Arrays.stream(dl4jShape).filter(d -> d != 1).toArray();
        }
        long[] keras = new long[dl4jShape.length];
        for (int i = 0; i < permute.length; i++) {
            keras[permute[i]] = dl4jShape[i];
        }
        return keras;
    }

    /** DL4J stores batch norm vectors as [1, C] where Keras has [C]. */
    private static boolean sameShapeIgnoringUnitDims(long[] a, long[] b) {
        return Arrays.equals(Arrays.stream(a).filter(d -> d != 1).toArray(), Arrays.stream(b).filter(d -> d != 1).toArray());
    }

    private static void requireHdf5(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new WeightsError("weights file not found: " + file);
        }
        byte[] head = new byte[HDF5_SIGNATURE.length];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(head, 0, head.length) != head.length || !Arrays.equals(head, HDF5_SIGNATURE)) {
                throw new WeightsError(file + " is not an HDF5 file (a Keras .h5 weights file was expected)");
            }
        } catch (IOException e) {
            throw new WeightsError("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static String sha256(Path file) {
        try (DigestInputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(in.getMessageDigest().digest());
        } catch (IOException e) {
            throw new WeightsError("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
