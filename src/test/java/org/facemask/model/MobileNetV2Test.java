package org.facemask.model;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.facemask.testing.SharedFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MobileNetV2Test {
    @TempDir
    Path tmp;

    private static ComputationGraph build(double alpha, int size) {
        ComputationGraph g = new ComputationGraph(MobileNetV2.backbone(alpha, size, 1));
        g.init();
        return g;
    }

    @Test
    void parameterCountsEqualKeras() {
        // Keras MobileNetV2(include_top=False).count_params(), batch-norm statistics included
        assertEquals(410_208, build(0.35, 224).numParams());
        assertEquals(2_257_984, build(1.0, 224).numParams());
    }

    @Test
    void buildsForEveryAlphaAndSize() {
        for (double alpha : new double[]{0.35, 0.5, 0.75, 1.0, 1.3, 1.4}) {
            for (int size : new int[]{96, 200, 224}) {
                if (alpha >= 1.3 && size != 96) {
                    continue; // the widest nets at 224 only cost time here; 96 proves they build and run
                }
                ComputationGraph g = build(alpha, size);
                INDArray out = g.outputSingle(false, Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, 3, size, size));
                assertEquals(MobileNetV2.featureSize(alpha), out.size(1), "alpha " + alpha + " size " + size);
            }
        }
        assertEquals(1792, MobileNetV2.featureSize(1.4));
        assertEquals(1664, MobileNetV2.featureSize(1.3));
    }

    @Test
    void wholeKerasModelFileGivesTheSameWeights() {
        ComputationGraph fromWeights = build(0.35, 224);
        String sha = KerasWeights.load(SharedFiles.weights035(), fromWeights);
        ComputationGraph fromModel = build(0.35, 224);
        KerasWeights.load(SharedFiles.wholeModel035(), fromModel);
        assertEquals("dd76dd888b05870b7afd6d70764f5b036a31817f8ec7649355edac2a8e8a2378", sha);
        assertEquals(fromWeights.params(), fromModel.params());
    }

    @Test
    void refusesWeightsOfAnotherAlpha() {
        KerasWeights.WeightsError e = assertThrows(KerasWeights.WeightsError.class,
                () -> KerasWeights.load(SharedFiles.weights035(), build(0.5, 224)));
        assertTrue(e.getMessage().contains(SharedFiles.weights035().toString()), e.getMessage());
        // alpha 0.35 and 0.5 agree up to block 1's projection (8 vs 16 filters): the first difference is named
        assertTrue(e.getMessage().contains("layer 'block_1_project' kernel:0 has shape [1, 1, 48, 8] but this "
                + "network (check model.base.alpha) needs [1, 1, 48, 16]"), e.getMessage());
    }

    @Test
    void refusesTruncatedMissingAndForeignFiles() throws Exception {
        byte[] whole = Files.readAllBytes(SharedFiles.weights035());
        Path truncated = Files.write(tmp.resolve("cut.h5"), Arrays.copyOf(whole, whole.length / 2));
        KerasWeights.WeightsError cut = assertThrows(KerasWeights.WeightsError.class,
                () -> KerasWeights.load(truncated, build(0.35, 224)));
        assertTrue(cut.getMessage().contains("cut.h5"), cut.getMessage());

        Path missing = tmp.resolve("nope.h5");
        KerasWeights.WeightsError none = assertThrows(KerasWeights.WeightsError.class,
                () -> KerasWeights.load(missing, build(0.35, 224)));
        assertTrue(none.getMessage().contains("not found") && none.getMessage().contains("nope.h5"), none.getMessage());

        Path text = Files.writeString(tmp.resolve("weights.h5"), "<html>404</html>");
        KerasWeights.WeightsError foreign = assertThrows(KerasWeights.WeightsError.class,
                () -> KerasWeights.load(text, build(0.35, 224)));
        assertTrue(foreign.getMessage().contains("not an HDF5 file"), foreign.getMessage());
    }
}
