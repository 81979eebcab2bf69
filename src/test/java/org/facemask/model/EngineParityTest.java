package org.facemask.model;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.facemask.config.ImageSettings;
import org.facemask.image.ImageLoader;
import org.facemask.testing.SharedFiles;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ONNX Runtime and DL4J give the same features for the same batch of real face photos. */
class EngineParityTest {
    @Test
    void sameFeaturesOnABatchOfRealImages() throws Exception {
        Path dev = SharedFiles.require("datasets/face-mask-dev");
        ImageLoader loader = new ImageLoader(new ImageSettings(224, 40_000_000));
        List<byte[]> batch = new ArrayList<>();
        for (String label : new String[]{"with_mask", "without_mask"}) {
            try (Stream<Path> files = Files.list(dev.resolve(label)).sorted().limit(8)) {
                for (Path f : files.toList()) {
                    batch.add(loader.load(Files.readAllBytes(f)).pixels().rgb());
                }
            }
        }
        ComputationGraph graph = new ComputationGraph(MobileNetV2.backbone(0.35, 224, 1));
        graph.init();
        KerasWeights.load(SharedFiles.weights035(), graph);
        float[][] dl4j = new Dl4jModel(graph, 224).run(batch);
        float[][] onnx;
        try (OnnxModel engine = new OnnxModel(OnnxExporter.export(graph, 224), 224, 2)) {
            onnx = engine.run(batch);
        }
        assertEquals(batch.size(), onnx.length);
        for (int i = 0; i < batch.size(); i++) {
            for (int j = 0; j < dl4j[i].length; j++) {
                assertTrue(Math.abs(dl4j[i][j] - onnx[i][j]) <= 1e-4,
                        "image " + i + " feature " + j + ": " + dl4j[i][j] + " vs " + onnx[i][j]);
            }
        }
    }
}
