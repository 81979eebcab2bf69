package org.facemask.train;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.facemask.config.ImageSettings;
import org.facemask.config.TrainSettings;
import org.facemask.image.ImageLoader;
import org.facemask.model.Backbone;
import org.facemask.model.Classifier;
import org.facemask.model.KerasWeights;
import org.facemask.model.MobileNetV2;
import org.facemask.samples.SyntheticFaces;
import org.facemask.testing.SharedFiles;
import org.facemask.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The frozen base stays frozen under Spark parameter averaging, batch-norm running statistics included (DL4J once
 * trained frozen layers under Spark), while the head does learn.
 */
class FrozenBaseTest {
    static final int SIZE = 96;
    @TempDir
    Path tmp;

    @Test
    void sparkFitLeavesEveryBaseParameterBitIdentical() {
        ComputationGraph graph = new ComputationGraph(MobileNetV2.backbone(0.35, SIZE, 1));
        graph.init();
        String sha = KerasWeights.load(SharedFiles.weights035(), graph);
        Backbone base = new Backbone(graph, 0.35, SIZE, sha, "shared");
        ComputationGraph classifier = Classifier.classifier(base,
                new Classifier.HeadSpec(16, 0.5, 2, Classifier.HeadSpec.adam(1e-2), 7), true);
        Map<String, INDArray> before = new HashMap<>();
        for (Layer l : classifier.getLayers()) {
            if (l.numParams() > 0) {
                before.put(l.conf().getLayer().getLayerName(), l.params().dup());
            }
        }

        SyntheticFaces faces = new SyntheticFaces(5);
        ImageLoader loader = new ImageLoader(new ImageSettings(SIZE, 1_000_000));
        TrainingData.FromPixels toDataSet = new TrainingData.FromPixels(List.of("with_mask", "without_mask"), SIZE, null);
        List<DataSet> examples = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            boolean masked = i % 2 == 0;
            byte[] pixels = loader.load(TestImages.encode(faces.draw(masked, 120), "png")).pixels().rgb();
            try {
                examples.add(toDataSet.call(org.apache.spark.sql.RowFactory.create(masked ? "with_mask" : "without_mask", pixels)));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        TrainSettings settings = new TrainSettings(tmp.toUri(), tmp.toUri(), false, TrainSettings.Mode.END_TO_END, 1,
                TrainSettings.Updater.ADAM, 1e-2, 2, 1, 2, 7, 0, false, 0, new org.facemask.image.Augmentation(false, 0, 0, 0, 0, org.facemask.image.Photometric.NONE),
                TrainSettings.FineTune.OFF);
        try (SparkSession spark = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false").getOrCreate()) {
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            JavaRDD<DataSet> data = sc.parallelize(examples, 2);
            ComputationGraph trained;
            try (ParameterAveragingTrainer trainer = new ParameterAveragingTrainer(sc, classifier, settings,
                    tmp.resolve("export").toUri(), spark.sparkContext().hadoopConfiguration())) {
                trainer.fitEpoch(data);
                trainer.fitEpoch(data);
                trained = trainer.network();
            }
            int frozenChecked = 0;
            for (Layer l : trained.getLayers()) {
                String name = l.conf().getLayer().getLayerName();
                if (name.startsWith("head_")) {
                    assertNotEquals(before.get(name), l.params(), name + " should learn");
                } else if (l.numParams() > 0) {
                    assertEquals(before.get(name), l.params(), name + " changed");
                    frozenChecked++;
                }
            }
            assertEquals(104, frozenChecked, "convolution and batch-norm layers of the base");
        }
    }
}
