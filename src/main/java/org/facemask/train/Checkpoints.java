package org.facemask.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.facemask.storage.Storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code checkpoints/} of a model directory: the network being trained after the last epoch ({@code last.zip},
 * with its updater state, for resuming), the one with the lowest validation loss so far ({@code best.zip}), and
 * {@code state.json} with the epoch history. state.json is written last, so it never points at a half-written
 * network.
 */
final class Checkpoints {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final URI dir;
    private final Configuration hadoop;

    /** What state.json holds. */
    record State(String mode, List<EpochMetrics> epochs, int bestEpoch, double bestValLoss) {
    }

    Checkpoints(URI modelDir, Configuration hadoop) {
        this.dir = Storage.child(modelDir, "checkpoints");
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
        try {
            Storage.writeString(Storage.child(dir, "state.json"), JSON.writeValueAsString(m), hadoop);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the saved state, or null when there is no checkpoint */
    @SuppressWarnings("unchecked")
    State state() {
        URI file = Storage.child(dir, "state.json");
        if (!Storage.exists(file, hadoop)) {
            return null;
        }
        try {
            Map<String, Object> m = JSON.readValue(Storage.readString(file, hadoop), Map.class);
            List<EpochMetrics> epochs = new ArrayList<>();
            ((List<Map<String, Object>>) m.get("epochs")).forEach(e -> epochs.add(EpochMetrics.fromMap(e)));
            return new State((String) m.get("mode"), epochs, ((Number) m.get("best_epoch")).intValue(),
                    ((Number) m.get("best_val_loss")).doubleValue());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    ComputationGraph last() {
        return read("last.zip");
    }

    ComputationGraph best() {
        return read("best.zip");
    }

    private void write(ComputationGraph network, String name) {
        Path path = new Path(Storage.child(dir, name));
        try (FSDataOutputStream out = path.getFileSystem(hadoop).create(path, true)) {
            ModelSerializer.writeModel(network, out, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + path + ": " + e.getMessage(), e);
        }
    }

    private ComputationGraph read(String name) {
        Path path = new Path(Storage.child(dir, name));
        try (InputStream in = path.getFileSystem(hadoop).open(path)) {
            return ModelSerializer.restoreComputationGraph(in, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + path + ": " + e.getMessage(), e);
        }
    }
}
