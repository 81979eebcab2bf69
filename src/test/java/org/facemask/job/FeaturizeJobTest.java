package org.facemask.job;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.facemask.featurize.FeaturizeMetadata;
import org.facemask.model.Dl4jModel;
import org.facemask.model.KerasWeights;
import org.facemask.model.MobileNetV2;
import org.facemask.samples.SyntheticFaces;
import org.facemask.testing.SharedFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.facemask.job.PrepareJobTest.runMain;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** featurize end to end in local mode: the distributed features equal a plain single-JVM forward pass. */
class FeaturizeJobTest {
    static final int SIZE = 96; // the base is fully convolutional; a small size keeps the test quick
    @TempDir
    static Path tmp;
    static Path prepared;

    static String[] sparkArgs(String job, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of(job, "spark.master=local[2]",
                "spark.conf.\"spark.ui.enabled\"=false", "image.size=" + SIZE));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @BeforeAll
    static void prepareSamples() throws Exception {
        Path faces = tmp.resolve("faces");
        new SyntheticFaces(11).writeDataset(faces, 10);
        prepared = tmp.resolve("prepared");
        JobRunner.Outcome o = runMain(sparkArgs("prepare", "prepare.input=" + faces, "prepare.output=" + prepared));
        assertEquals(0, o.exitCode(), o.stderr());
    }

    @Test
    void featuresEqualASingleJvmForwardPass() throws Exception {
        Path weights = SharedFiles.weights035();
        Path out = tmp.resolve("features");
        JobRunner.Outcome o = runMain(sparkArgs("featurize", "featurize.input=" + prepared,
                "featurize.output=" + out, "model.inference-batch=3", "model.base.weights=" + weights));
        assertEquals(0, o.exitCode(), o.stderr());

        ComputationGraph reference = new ComputationGraph(MobileNetV2.backbone(0.35, SIZE, 1));
        reference.init();
        KerasWeights.load(weights, reference);
        Dl4jModel extractor = new Dl4jModel(reference, SIZE);
        try (SparkSession spark = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false")
                .getOrCreate()) {
            Map<String, Row> images = spark.read().parquet(prepared.resolve("images").toString()).collectAsList()
                    .stream().collect(Collectors.toMap(r -> r.getAs("path"), r -> r));
            List<Row> features = spark.read().parquet(out.resolve("features").toString()).collectAsList();
            assertEquals(20, features.size());
            assertEquals(images.keySet(), features.stream().map(r -> (String) r.getAs("path")).collect(Collectors.toSet()));
            for (Row f : features) {
                Row image = images.get((String) f.getAs("path"));
                assertEquals((String) image.getAs("split"), f.getAs("split"));
                assertEquals((String) image.getAs("label"), f.getAs("label"));
                List<Float> vector = f.getList(f.fieldIndex("features"));
                assertEquals(1280, vector.size());
                float[] expected = extractor.run(List.of((byte[]) image.getAs("pixels")))[0];
                float[] actual = new float[vector.size()];
                for (int i = 0; i < actual.length; i++) {
                    actual[i] = vector.get(i);
                }
                // batches of 3 here, of 1 there: float sums in another order
                assertArrayEquals(expected, actual, 1e-4f, (String) f.getAs("path"));
            }
        }
        FeaturizeMetadata meta = ((FeaturizeAction.Result) o.result()).metadata();
        assertEquals(meta, FeaturizeMetadata.read(out.toUri(), new org.apache.hadoop.conf.Configuration()));
        assertEquals(20, meta.images());
        assertEquals("dd76dd888b05870b7afd6d70764f5b036a31817f8ec7649355edac2a8e8a2378", meta.base().weightsSha256());
        assertTrue(meta.base().pretrained());
    }

    @Test
    void missingDefaultWeightsFailBeforeSparkNamingFileAndSource() {
        String home = System.getProperty("user.home");
        System.setProperty("user.home", tmp.resolve("empty-home").toString());
        try {
            JobRunner.Outcome o = runMain(sparkArgs("featurize", "featurize.input=" + prepared,
                    "featurize.output=" + tmp.resolve("never")));
            assertEquals(2, o.exitCode());
            assertTrue(o.stderr().contains(".keras/models/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96_no_top.h5"),
                    o.stderr());
            assertTrue(o.stderr().contains("keras-applications") && o.stderr().contains("model.base.weights=none"),
                    o.stderr());
        } finally {
            System.setProperty("user.home", home);
        }
    }

    @Test
    void aDatasetPreparedAtAnotherSizeIsRefused() {
        JobRunner.Outcome o = runMain("featurize", "image.size=224", "featurize.input=" + prepared,
                "featurize.output=" + tmp.resolve("never2"), "model.base.weights=none");
        assertEquals(2, o.exitCode());
        assertTrue(o.stderr().contains("prepared at 96"), o.stderr());
        JobRunner.Outcome notPrepared = runMain("featurize", "featurize.input=" + tmp.resolve("faces"),
                "featurize.output=" + tmp.resolve("never3"), "model.base.weights=none");
        assertEquals(2, notPrepared.exitCode());
        assertTrue(notPrepared.stderr().contains("featurize.input") && notPrepared.stderr().contains("summary.json"),
                notPrepared.stderr());
    }
}
