package org.facemask.evaluate;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One chart, built once from metrics.json, drawn as the PNG beside it and as report.html's SVG. */
class PlotsTest {
    private static Map<String, Object> epoch(int n, double loss) {
        return Map.of("epoch", n, "train_loss", loss, "val_loss", loss + 0.1, "val_accuracy", 0.9, "seconds", 1.0);
    }

    @Test
    void trainingCurvesComeFromMetricsJsonWithFineTuningContinuingTheHead() {
        Map<String, Object> metrics = Map.of("epochs", List.of(epoch(1, 0.5), epoch(2, 0.4)),
                "fine_tune", Map.of("epochs", List.of(epoch(1, 0.3))));
        List<Plots.Chart> curves = Plots.trainingCurves(metrics);
        assertEquals(2, curves.size(), "loss and accuracy");
        String loss = curves.get(0).svg();
        assertTrue(loss.startsWith("<svg") && loss.contains("Loss") && loss.contains("fine-tuning validation loss"), loss);
        assertTrue(curves.get(1).svg().contains("Validation accuracy"));
        byte[] png = curves.get(0).png();
        assertArrayEquals(new byte[]{(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(png, 4));
        assertEquals(List.of(), Plots.trainingCurves(Map.of("accuracy", 0.9)), "an evaluate run has no epochs");
    }

    @Test
    void theRocNamesEachClassWithItsAucAndDrawsChance() {
        Metrics.Roc roc = new Metrics.Roc("with_mask", new double[]{0, 0.1, 1}, new double[]{0, 0.9, 1}, 0.95);
        String svg = Plots.roc(List.of(roc)).svg();
        assertTrue(svg.contains("with_mask (AUC 0.9500)") && svg.contains("chance"), svg);
    }
}
