package org.facemask.train;

import java.util.LinkedHashMap;
import java.util.Map;

/** One epoch's line of metrics.json. */
record EpochMetrics(int epoch, double trainLoss, double valLoss, double valAccuracy, double seconds) {
    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", epoch);
        m.put("train_loss", trainLoss);
        m.put("val_loss", valLoss);
        m.put("val_accuracy", valAccuracy);
        m.put("seconds", Math.round(seconds * 10) / 10.0);
        return m;
    }

    static EpochMetrics fromMap(Map<String, Object> m) {
        return new EpochMetrics(((Number) m.get("epoch")).intValue(), ((Number) m.get("train_loss")).doubleValue(),
                ((Number) m.get("val_loss")).doubleValue(), ((Number) m.get("val_accuracy")).doubleValue(),
                ((Number) m.get("seconds")).doubleValue());
    }
}
