package org.facemask.train;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.facemask.config.ImageSettings;
import org.facemask.config.TrainSettings;
import org.facemask.image.Augmentation;
import org.facemask.image.ImageLoader;
import org.facemask.image.Photometric;
import org.facemask.model.Backbone;
import org.facemask.model.Classifier;
import org.facemask.model.Dl4jModel;
import org.facemask.model.FineTuning;
import org.facemask.model.KerasWeights;
import org.facemask.model.MobileNetV2;
import org.facemask.model.OnnxExporter;
import org.facemask.model.OnnxModel;
import org.facemask.model.Preprocessing;
import org.facemask.samples.SyntheticFaces;
import org.facemask.testing.SharedFiles;
import org.facemask.testing.TestImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fine-tuning the top three blocks under Spark parameter averaging, on activations computed once: the layers below
 * them (and every batch norm) keep the pretrained weights bit for bit, the trained convolutions change, and the
 * assembled classifier computes what the trained part did and scores the same on ONNX Runtime as on DL4J.
 */
class FineTuneTest {
    static final int SIZE = 96;
    static final int BLOCKS = 3;
    static final List<String> CLASSES = List.of("with_mask", "without_mask");
    static final double TOLERANCE = 1e-4; // as MobileNetV2GoldenTest

    @TempDir
    static Path tmp;
    static Backbone base;
    static FineTuning plan;
    static List<byte[]> images = new ArrayList<>();
    static List<DataSet> examples = new ArrayList<>();
    static ComputationGraph trained;
    static ComputationGraph classifier;
    static Set<String> trainedLayers = new HashSet<>();

    @BeforeAll
    static void fineTuneOnSpark() throws Exception {
        ComputationGraph graph = new ComputationGraph(MobileNetV2.backbone(0.35, SIZE, 1));
        graph.init();
        String sha = KerasWeights.load(SharedFiles.weights035(), graph);
        base = new Backbone(graph, 0.35, SIZE, sha, "shared");
        plan = new FineTuning(base, BLOCKS);
        SyntheticFaces faces = new SyntheticFaces(5);
        ImageLoader loader = new ImageLoader(new ImageSettings(SIZE, 1_000_000));
        for (int i = 0; i < 8; i++) {
            images.add(loader.load(TestImages.encode(faces.draw(i % 2 == 0, 120), "png")).pixels().rgb());
        }
        // activations as the train stage computes them: the frozen part on an inference engine, one row per image
        float[][] activations = new Dl4jModel(plan.frozenPart(), SIZE).run(images);
        TrainingData.FromFeatures toDataSet = new TrainingData.FromFeatures(CLASSES, plan.activationShape());
        for (int i = 0; i < images.size(); i++) {
            List<Float> row = new ArrayList<>();
            for (float a : activations[i]) {
                row.add(a);
            }
            // a Spark row holds an array column as a Scala sequence
            examples.add(toDataSet.call(RowFactory.create(CLASSES.get(i % 2),
                    scala.collection.JavaConverters.asScalaBuffer(row).toSeq())));
        }

        Classifier.HeadSpec spec = new Classifier.HeadSpec(16, 0.5, 2, Classifier.HeadSpec.adam(1e-2), 7);
        ComputationGraph start = plan.trainedPart(spec, Classifier.head(base.featureSize(), spec));
        for (Layer l : start.getLayers()) {
            if (l.numParams() > 0 && !(l instanceof org.deeplearning4j.nn.layers.FrozenLayerWithBackprop)) {
                trainedLayers.add(l.conf().getLayer().getLayerName());
            }
        }
        TrainSettings settings = new TrainSettings(tmp.toUri(), tmp.toUri(), false, TrainSettings.Mode.FEATURES, 1,
                TrainSettings.Updater.ADAM, 1e-2, 2, 1, 2, 7, 0, false, 0,
                new Augmentation(false, 0, 0, 0, 0, Photometric.NONE), new TrainSettings.FineTune(BLOCKS, 2, 1e-2));
        try (SparkSession spark = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false").getOrCreate()) {
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            try (ParameterAveragingTrainer trainer = new ParameterAveragingTrainer(sc, start, settings,
                    tmp.resolve("export").toUri(), spark.sparkContext().hadoopConfiguration())) {
                trainer.fitEpoch(sc.parallelize(examples, 2));
                trainer.fitEpoch(sc.parallelize(examples, 2));
                // through a checkpoint, as the train stage takes the best epoch's network
                Checkpoints checkpoints = new Checkpoints(tmp.toUri(), "checkpoints/fine-tune",
                        spark.sparkContext().hadoopConfiguration());
                checkpoints.save(trainer.network(), new Checkpoints.State("FINE_TUNE", List.of(), 2, 0.5), true);
                trained = checkpoints.best();
            }
        }
        classifier = plan.assemble(spec, trained);
    }

    @Test
    void theTopThreeBlocksAndConv1AreTrainedAndNothingElse() {
        // block_14 to block_16: expand, depthwise, project each; then Conv_1; then the head
        assertEquals(Set.of("block_14_expand", "block_14_depthwise", "block_14_project", "block_15_expand",
                "block_15_depthwise", "block_15_project", "block_16_expand", "block_16_depthwise", "block_16_project",
                "Conv_1", Classifier.HEAD_DENSE, Classifier.HEAD_OUTPUT), trainedLayers);
        assertEquals("block_13_project_BN", plan.frozenOutput());
        // at 96 pixels block_13 (stride 2) leaves 3x3 of 56 channels
        assertArrayEquals(new long[]{56, 3, 3}, plan.activationShape());
    }

    @Test
    void frozenLayersStayBitIdenticalAndTrainedOnesChange() {
        Map<String, INDArray> pretrained = new HashMap<>();
        for (Layer l : base.graph().getLayers()) {
            if (l.numParams() > 0) {
                pretrained.put(l.conf().getLayer().getLayerName(), l.params());
            }
        }
        int frozen = 0;
        int changed = 0;
        for (Layer l : classifier.getLayers()) {
            String name = l.conf().getLayer().getLayerName();
            if (l.numParams() == 0 || name.startsWith("head_")) {
                continue;
            }
            if (trainedLayers.contains(name)) {
                assertNotEquals(pretrained.get(name), l.params(), name + " should have been fine-tuned");
                changed++;
            } else {
                assertEquals(pretrained.get(name), l.params(), name + " changed");
                frozen++;
            }
        }
        assertEquals(10, changed);
        assertEquals(104 - 10, frozen, "every other convolution and every batch norm of the base");
    }

    @Test
    void assembledClassifierComputesWhatTheTrainedPartLearned() {
        INDArray fromActivations = trained.outputSingle(false, Nd4j.concat(0,
                examples.stream().map(DataSet::getFeatures).toArray(INDArray[]::new)));
        INDArray fromPixels = classifier.outputSingle(false, Preprocessing.toInput(images, SIZE));
        assertEquals(images.size(), fromPixels.rows());
        for (int i = 0; i < images.size(); i++) {
            for (int k = 0; k < CLASSES.size(); k++) {
                double d = Math.abs(fromActivations.getDouble(i, k) - fromPixels.getDouble(i, k));
                assertTrue(d <= TOLERANCE, "image " + i + " class " + k + ": " + d);
            }
        }
    }

    @Test
    void onnxRuntimeAndDl4jAgreeOnTheFineTunedModelAndTheActivations() {
        for (ComputationGraph network : List.of(classifier, plan.frozenPart())) {
            float[][] dl4j = new Dl4jModel(network, SIZE).run(images);
            for (int block : new int[]{1, 16}) { // unpadded, and channels padded as for AVX-512 kernels
                float[][] onnx;
                try (OnnxModel engine = new OnnxModel(OnnxExporter.export(network, SIZE, block), SIZE, 2)) {
                    onnx = engine.run(images);
                }
                assertEquals(dl4j[0].length, onnx[0].length);
                double maxDiff = 0;
                for (int i = 0; i < images.size(); i++) {
                    for (int j = 0; j < dl4j[i].length; j++) {
                        maxDiff = Math.max(maxDiff, Math.abs(dl4j[i][j] - onnx[i][j]));
                    }
                }
                assertTrue(maxDiff <= TOLERANCE, "channel block " + block + ": max abs difference " + maxDiff);
            }
        }
    }
}
