package org.facemask.evaluate;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class MetricsTest {
    private static final List<String> CLASSES = List.of("with_mask", "without_mask");

    private static float[][] probs(double... pWith) {
        float[][] p = new float[pWith.length][];
        for (int i = 0; i < pWith.length; i++) {
            p[i] = new float[]{(float) pWith[i], (float) (1 - pWith[i])};
        }
        return p;
    }

    @Test
    void confusionPrecisionRecallF1() {
        // truth: 3 with, 2 without; predictions: 2 of 3 with right, 1 of 2 without right
        Metrics m = Metrics.compute(CLASSES, new int[]{0, 0, 0, 1, 1}, probs(0.9, 0.8, 0.3, 0.6, 0.1));
        assertArrayEquals(new long[]{2, 1}, m.confusion()[0]);
        assertArrayEquals(new long[]{1, 1}, m.confusion()[1]);
        assertEquals(0.6, m.accuracy(), 1e-12);
        assertEquals(2.0 / 3, m.perClass().get("with_mask").precision(), 1e-12);
        assertEquals(2.0 / 3, m.perClass().get("with_mask").recall(), 1e-12);
        assertEquals(0.5, m.perClass().get("without_mask").precision(), 1e-12);
        assertEquals(0.5, m.perClass().get("without_mask").f1(), 1e-12);
        assertEquals(3, m.perClass().get("with_mask").support());
    }

    @Test
    void aucIsTheChanceAPositiveOutranksANegative() {
        // positives (with_mask) scored 0.9, 0.3; negatives 0.6, 0.1: 3 of 4 pairs ordered right
        Metrics m = Metrics.compute(CLASSES, new int[]{0, 0, 1, 1}, probs(0.9, 0.3, 0.6, 0.1));
        assertEquals(0.75, m.auc(), 1e-12);
        assertEquals(1.0, Metrics.compute(CLASSES, new int[]{0, 1}, probs(0.8, 0.2)).auc(), 1e-12);
        assertEquals(0.0, Metrics.compute(CLASSES, new int[]{0, 1}, probs(0.2, 0.8)).auc(), 1e-12);
        // a tie between a positive and a negative counts half
        assertEquals(0.5, Metrics.compute(CLASSES, new int[]{0, 1}, probs(0.5, 0.5)).auc(), 1e-12);
        Metrics.Roc roc = m.roc().get(0);
        assertEquals(0.0, roc.fpr()[0]);
        assertEquals(1.0, roc.tpr()[roc.tpr().length - 1]);
    }

    @Test
    void aucIsUndefinedWithOneClassOnly() {
        Metrics m = Metrics.compute(CLASSES, new int[]{0, 0}, probs(0.9, 0.4));
        assertEquals(Double.NaN, m.auc());
        assertEquals(null, m.toMap().get("auc"));
    }
}
