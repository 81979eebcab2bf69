package org.facemask.model;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.facemask.testing.SharedFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our MobileNetV2(0.35) with the shared ImageNet weights reproduces the pooled features an independent float64
 * implementation computed for six preprocessed face images.
 */
class MobileNetV2GoldenTest {
    static final double TOLERANCE = 1e-4;
    static ComputationGraph backbone;
    static OnnxModel onnx;
    static Path golden;

    @BeforeAll
    static void load() {
        golden = SharedFiles.require("golden/mobilenet_v2_0.35_224");
        backbone = new ComputationGraph(MobileNetV2.backbone(0.35, 224, 1));
        backbone.init();
        KerasWeights.load(SharedFiles.weights035(), backbone);
        onnx = new OnnxModel(OnnxExporter.export(backbone, 224), 224, 1);
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

    /** The exported ONNX graph, batch norm folded, run by ONNX Runtime: the same features. */
    @Test
    void onnxRuntimeBackboneMatchesReferenceFeatures() throws Exception {
        for (int k = 0; k < 6; k++) {
            float[] input = goldenInputNchw(k).data().asFloat();
            try (ai.onnxruntime.OrtSession session = ai.onnxruntime.OrtEnvironment.getEnvironment()
                    .createSession(OnnxExporter.export(backbone, 224));
                 ai.onnxruntime.OnnxTensor tensor = ai.onnxruntime.OnnxTensor.createTensor(
                         ai.onnxruntime.OrtEnvironment.getEnvironment(), java.nio.FloatBuffer.wrap(input),
                         new long[]{1, 3, 224, 224});
                 ai.onnxruntime.OrtSession.Result result = session.run(java.util.Map.of(OnnxExporter.INPUT, tensor))) {
                float[][] features = (float[][]) result.get(0).getValue();
                double maxDiff = Transforms.maxAbsDiff(Nd4j.create(features), goldenFeatures(k));
                assertTrue(maxDiff <= TOLERANCE, "input_" + k + ": max abs difference " + maxDiff);
            }
        }
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
