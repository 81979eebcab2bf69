package org.facemask.evaluate;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.facemask.inference.SparkInference;
import org.facemask.model.InferenceEngine;
import org.facemask.storage.Json;
import org.facemask.storage.Storage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a classifier over labelled pixels on the executors and computes the metrics on the driver (only the
 * probabilities travel back). Images whose label is not one of the model's classes are counted, not scored.
 */
public final class EvaluateStage {
    public static final String METRICS_FILE = "metrics.json";
    private static final Logger LOG = LoggerFactory.getLogger(EvaluateStage.class);

    private final SparkSession spark;

    public EvaluateStage(SparkSession spark) {
        this.spark = spark;
    }

    /** Probabilities per image, in the order of {@code classes}. */
    public record Predictions(List<String> paths, int[] truth, float[][] probabilities, long unknownLabel) {
    }

    /** @param images columns path, label, pixels */
    public Predictions predict(Dataset<Row> images, ComputationGraph classifier, List<String> classes,
                               InferenceEngine engine, int threads, int imageSize, int batchSize) {
        long start = System.nanoTime();
        List<Row> rows;
        try (SparkInference inference = new SparkInference(spark, classifier, engine, imageSize, threads)) {
            rows = inference.apply(images, "probabilities", batchSize, 0).collectAsList();
        }
        List<String> paths = new ArrayList<>();
        List<Integer> truth = new ArrayList<>();
        List<float[]> probabilities = new ArrayList<>();
        long unknown = 0;
        for (Row r : rows) {
            int k = classes.indexOf(r.getString(1));
            if (k < 0) {
                unknown++;
                continue;
            }
            paths.add(r.getString(0));
            truth.add(k);
            List<Float> p = r.getList(2);
            float[] v = new float[p.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = p.get(i);
            }
            probabilities.add(v);
        }
        LOG.info("predicted {} labelled images on {} in {} s{}", paths.size(), engine.code(),
                String.format("%.1f", (System.nanoTime() - start) / 1e9),
                unknown > 0 ? " (" + unknown + " with a label the model does not know were left out)" : "");
        return new Predictions(paths, truth.stream().mapToInt(Integer::intValue).toArray(),
                probabilities.toArray(float[][]::new), unknown);
    }

    /** metrics.json with {@code report} as its content, plus confusion_matrix.png and roc.png from {@code metrics}. */
    public static void writeReport(URI dir, Metrics metrics, Map<String, Object> report, Configuration hadoop) {
        Json.writeFile(Storage.child(dir, METRICS_FILE), report, hadoop);
        Storage.writeBytes(Storage.child(dir, "confusion_matrix.png"), Plots.confusion(metrics.classes(), metrics.confusion()), hadoop);
        Storage.writeBytes(Storage.child(dir, "roc.png"), Plots.roc(metrics.roc()), hadoop);
    }
}
