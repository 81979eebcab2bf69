package org.facemask.model;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.LayerHelper;
import org.facemask.testing.SharedFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import onnx.Onnx;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our MobileNetV2(0.35) with the shared ImageNet weights reproduces the pooled features an independent float64
 * implementation computed for six preprocessed face images.
 */
class MobileNetV2GoldenTest {
    static final double TOLERANCE = 1e-4;
    static ComputationGraph backbone;
    /** exported as is, and with the 8-channel layers padded to blocks of 16 (what AVX-512 processors get) */
    static OnnxModel onnx;
    static OnnxModel onnxPadded;
    static byte[] exported;
    static byte[] exportedPadded;
    static Path golden;

    @BeforeAll
    static void load() {
        golden = SharedFiles.require("golden/mobilenet_v2_0.35_224");
        backbone = buildBackbone(false);
        KerasWeights.load(SharedFiles.weights035(), backbone);
        exported = OnnxExporter.export(backbone, 224, 1);
        exportedPadded = OnnxExporter.export(backbone, 224, 16);
        onnx = new OnnxModel(exported, 224, 1);
        onnxPadded = new OnnxModel(exportedPadded, 224, 1);
    }

    /** A backbone whose layers were created with DL4J's oneDNN helpers on or off (the property is read then). */
    static ComputationGraph buildBackbone(boolean oneDnnHelpers) {
        return withDisableProperty(Boolean.toString(!oneDnnHelpers), () -> {
            ComputationGraph graph = new ComputationGraph(MobileNetV2.backbone(0.35, 224, 1));
            graph.init();
            return graph;
        });
    }

    /** Runs {@code action} with the helper switch set to {@code value}, then puts the JVM's setting back. */
    static <T> T withDisableProperty(String value, java.util.function.Supplier<T> action) {
        String before = System.getProperty(Dl4jOneDnn.DISABLE_PROPERTY);
        System.setProperty(Dl4jOneDnn.DISABLE_PROPERTY, value);
        try {
            return action.get();
        } finally {
            if (before == null) {
                System.clearProperty(Dl4jOneDnn.DISABLE_PROPERTY);
            } else {
                System.setProperty(Dl4jOneDnn.DISABLE_PROPERTY, before);
            }
        }
    }

    /** Layer class name -> helper class name (or "none"), for the layers DL4J has helpers for. */
    static Map<String, Set<String>> helpers(ComputationGraph graph) {
        Map<String, Set<String>> helpers = new TreeMap<>();
        for (Layer layer : graph.getLayers()) {
            LayerHelper helper = layer instanceof org.deeplearning4j.nn.layers.convolution.ConvolutionLayer c ? c.getHelper()
                    : layer instanceof org.deeplearning4j.nn.layers.normalization.BatchNormalization b ? b.getHelper()
                    : null;
            if (layer instanceof org.deeplearning4j.nn.layers.convolution.ConvolutionLayer
                    || layer instanceof org.deeplearning4j.nn.layers.normalization.BatchNormalization) {
                helpers.computeIfAbsent(layer.getClass().getSimpleName(), k -> new TreeSet<>())
                        .add(helper == null ? "none" : helper.getClass().getSimpleName());
            }
        }
        return helpers;
    }

    static INDArray goldenInputNchw(int k) {
        INDArray nhwc = Nd4j.createFromNpyFile(golden.resolve("input_" + k + ".npy").toFile());
        return nhwc.permute(0, 3, 1, 2).castTo(DataType.FLOAT).dup();
    }

    static INDArray goldenFeatures(int k) {
        return Nd4j.createFromNpyFile(golden.resolve("features_" + k + ".npy").toFile()).castTo(DataType.FLOAT);
    }

    @Test
    void dl4jBackboneMatchesReferenceFeatures() {
        for (int k = 0; k < 6; k++) {
            INDArray features = backbone.outputSingle(false, goldenInputNchw(k));
            INDArray expected = goldenFeatures(k);
            assertEquals(1280, features.size(1));
            double maxDiff = Transforms.maxAbsDiff(features, expected);
            assertTrue(maxDiff <= TOLERANCE, "input_" + k + ": max abs difference " + maxDiff);
        }
    }

    /**
     * DL4J with its oneDNN layer helpers (Dl4jOneDnn, 4x faster): every standard convolution and batch norm runs
     * through oneDNN, and the features still match the reference. The default path above has no helpers at all.
     */
    @Test
    void dl4jWithOneDnnHelpersMatchesReferenceFeatures() {
        assertEquals(Map.of("BatchNormalization", Set.of("none"), "ConvolutionLayer", Set.of("none"),
                "DepthwiseConvolution2DLayer", Set.of("none")), helpers(backbone));
        ComputationGraph fast = buildBackbone(true);
        fast.setParams(backbone.params());
        assertEquals(Map.of("BatchNormalization", Set.of("MKLDNNBatchNormHelper"),
                "ConvolutionLayer", Set.of("MKLDNNConvHelper"),
                "DepthwiseConvolution2DLayer", Set.of("none")), helpers(fast),
                "DL4J's oneDNN availability check failed: see org.nd4j.nativeblas.Nd4jCpu");
        for (int k = 0; k < 6; k++) {
            double maxDiff = Transforms.maxAbsDiff(fast.outputSingle(false, goldenInputNchw(k)), goldenFeatures(k));
            assertTrue(maxDiff <= TOLERANCE, "input_" + k + ": max abs difference " + maxDiff);
        }
    }

    /** An operator turns the helpers off with -Dorg.eclipse.deeplearning4j.helpers.disable=true; enable() obeys. */
    @Test
    void anExplicitDisableWins() {
        assertFalse(withDisableProperty("true", Dl4jOneDnn::enable));
    }

    /**
     * The exported ONNX graph (batch norm folded, the normalisation inside it) run by ONNX Runtime gives the same
     * features. The golden inputs are {@code x / 127.5 - 1} of whole bytes, so the bytes are recovered exactly.
     */
    @Test
    void onnxRuntimeBackboneMatchesReferenceFeatures() {
        for (int k = 0; k < 6; k++) {
            INDArray nhwc = Nd4j.createFromNpyFile(golden.resolve("input_" + k + ".npy").toFile());
            float[] normalised = nhwc.castTo(DataType.FLOAT).data().asFloat();
            byte[] rgb = new byte[normalised.length];
            for (int i = 0; i < rgb.length; i++) {
                rgb[i] = (byte) Math.round((normalised[i] + 1) * 127.5f);
            }
            for (OnnxModel model : new OnnxModel[]{onnx, onnxPadded}) {
                float[][] features = model.run(java.util.List.of(rgb));
                double maxDiff = Transforms.maxAbsDiff(Nd4j.create(features), goldenFeatures(k));
                assertTrue(maxDiff <= TOLERANCE, "input_" + k + (model == onnx ? "" : ", padded")
                        + ": max abs difference " + maxDiff);
            }
        }
    }

    /** The padded export really is wider where MobileNetV2(0.35) has 8, 24 and 56 channels, and only there. */
    @Test
    void channelPaddingWidensOnlyTheLayersOffTheBlock() throws Exception {
        Map<String, java.util.List<Long>> plain = weightShapes(exported);
        Map<String, java.util.List<Long>> padded = weightShapes(exportedPadded);
        assertEquals(java.util.List.of(8L, 16L, 1L, 1L), plain.get("expanded_conv_project/W"));
        assertEquals(java.util.List.of(16L, 16L, 1L, 1L), padded.get("expanded_conv_project/W"));
        assertEquals(java.util.List.of(48L, 8L, 1L, 1L), plain.get("block_1_expand/W"));
        assertEquals(java.util.List.of(48L, 16L, 1L, 1L), padded.get("block_1_expand/W"));
        assertEquals(java.util.List.of(64L, 192L, 1L, 1L), padded.get("block_13_project/W")); // 56 -> 64
        assertEquals(java.util.List.of(336L, 64L, 1L, 1L), padded.get("block_14_expand/W"));
        assertEquals(plain.get("block_1_depthwise/W"), padded.get("block_1_depthwise/W"));
        assertEquals(plain.get("Conv_1/W"), padded.get("Conv_1/W")); // 1280 features, the output width
        long changed = plain.keySet().stream().filter(k -> !plain.get(k).equals(padded.get(k))).count();
        assertTrue(changed > 0 && changed < plain.size() / 2, changed + " of " + plain.size() + " weights changed shape");
    }

    private static Map<String, java.util.List<Long>> weightShapes(byte[] model) throws Exception {
        Map<String, java.util.List<Long>> shapes = new TreeMap<>();
        for (Onnx.TensorProto t : Onnx.ModelProto.parseFrom(model).getGraph().getInitializerList()) {
            shapes.put(t.getName(), t.getDimsList());
        }
        return shapes;
    }

    /** The image files behind the golden inputs, in INDEX.txt order. */
    static final String[] SOURCES = {
        "with_mask/0_0_0_copy_15.jpg", "with_mask/0_0_11_copy_2.jpg", "with_mask/1_0_15_copy.jpg",
        "without_mask/0_0_anhu_0025.jpg", "without_mask/0_0_lixirui_0152.jpg", "without_mask/1_0_liwen_0011.jpg"};

    /**
     * Our decoder + resizer + {@link Preprocessing} on the six source images against the reference's PIL-bilinear
     * inputs. Resizers differ a little (OpenCV area averaging vs PIL's bilinear filter), so the bound is on the mean
     * absolute difference: 0.01 on the [-1, 1] scale is 1.3 grey levels of 255 (measured: 0.0015-0.0017); and the features that result must
     * still match the reference's closely (cosine similarity at least 0.99).
     */
    @Test
    void ourPreprocessingGivesInputsCloseToTheReference() throws Exception {
        org.facemask.image.ImageLoader loader = new org.facemask.image.ImageLoader(
                new org.facemask.config.ImageSettings(224, 40_000_000));
        for (int k = 0; k < 6; k++) {
            byte[] file = java.nio.file.Files.readAllBytes(golden.resolve("images").resolve(SOURCES[k]));
            INDArray ours = Preprocessing.toInput(java.util.List.of(loader.load(file).pixels().rgb()), 224);
            INDArray reference = goldenInputNchw(k);
            double meanAbs = ours.sub(reference).norm1Number().doubleValue() / reference.length();
            assertTrue(meanAbs <= 0.01, SOURCES[k] + ": mean abs input difference " + meanAbs);
            INDArray f = backbone.outputSingle(false, ours).reshape(1280);
            INDArray g = goldenFeatures(k).reshape(1280);
            double cosine = f.mul(g).sumNumber().doubleValue() / (f.norm2Number().doubleValue() * g.norm2Number().doubleValue());
            assertTrue(cosine >= 0.99, SOURCES[k] + ": feature cosine similarity " + cosine);
        }
    }
}
