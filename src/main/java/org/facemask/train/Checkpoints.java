package org.facemask.train;

import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.facemask.model.ModelDirectory;
import org.facemask.storage.Json;
import org.facemask.storage.Storage;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint folder of a model directory ({@code checkpoints/} for the head or whole network,
 * {@code checkpoints/fine-tune/} for fine-tuning): the network being trained after the last epoch ({@code last.zip},
 * with its updater state, for resuming), the one with the lowest validation loss so far ({@code best.zip}), and
 * {@code state.json} with the epoch history. state.json is written last, so it never points at a half-written
 * network.
 */
final class Checkpoints {
    private final URI dir;
    private final Configuration hadoop;

    /** What state.json holds. */
    record State(String mode, List<EpochMetrics> epochs, int bestEpoch, double bestValLoss) {
    }

    /** @param path the folder under {@code modelDir} */
    Checkpoints(URI modelDir, String path, Configuration hadoop) {
        this.dir = Storage.child(modelDir, path);
        this.hadoop = hadoop;
    }

    void save(ComputationGraph network, State state, boolean best) {
        write(network, "last.zip");
        if (best) {
            write(network, "best.zip");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", state.mode());
        m.put("best_epoch", state.bestEpoch());
        m.put("best_val_loss", state.bestValLoss());
        m.put("epochs", state.epochs().stream().map(EpochMetrics::toMap).toList());
        Json.writeFile(Storage.child(dir, "state.json"), m, hadoop);
    }

    /** @return the saved state, or null when there is no checkpoint */
    @SuppressWarnings("unchecked")
    State state() {
        URI file = Storage.child(dir, "state.json");
        if (!Storage.exists(file, hadoop)) {
            return null;
        }
        try {
            Map<String, Object> m = Json.toMap(Json.read(Storage.readString(file, hadoop)));
            List<EpochMetrics> epochs = new ArrayList<>();
            ((List<Map<String, Object>>) m.get("epochs")).forEach(e -> epochs.add(EpochMetrics.fromMap(e)));
            return new State((String) m.get("mode"), epochs, ((Number) m.get("best_epoch")).intValue(),
                    ((Number) m.get("best_val_loss")).doubleValue());
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    ComputationGraph last() {
        return read("last.zip");
    }

    ComputationGraph best() {
        return read("best.zip");
    }

    private void write(ComputationGraph network, String name) {
        ModelDirectory.writeNetwork(Storage.child(dir, name), network, true, hadoop);
    }

    private ComputationGraph read(String name) {
        return ModelDirectory.readNetwork(Storage.child(dir, name), true, hadoop);
    }
}
