package org.facemask.evaluate;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.facemask.config.ImageSettings;
import org.facemask.image.RgbImage;
import org.facemask.inference.ImageScorer;
import org.facemask.model.Prediction;
import org.facemask.inference.SparkInference;
import org.facemask.prepare.PreparedColumns;
import org.facemask.storage.Json;
import org.facemask.storage.Storage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.Map;

/**
 * Runs a classifier over labelled pixels on the executors, through the scorer every job shares
 * ({@link ImageScorer}), and computes the metrics on the driver (only the probabilities travel back). Images whose label is not one of the model's classes are counted, not scored.
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

    /**
     * @param images    columns path, label, pixels (prepared: already the network's size, so nothing is decoded)
     * @param inference the classifier on the executors, at the images' size; left open
     */
    public Predictions predict(Dataset<Row> images, SparkInference inference, List<String> classes, int batchSize) {
        long start = System.nanoTime();
        SparkInference.Handle network = inference.handle();
        int imageSize = network.imageSize();
        ImageScorer.Setup setup = new ImageScorer.Setup(new ImageSettings(imageSize, (long) imageSize * imageSize),
                classes, network, batchSize, null);
        List<Scored> rows = images.select(PreparedColumns.PATH, PreparedColumns.LABEL, PreparedColumns.PIXELS)
                .javaRDD().mapPartitions(new ScoredPixels(setup, imageSize)).collect();
        List<String> paths = new ArrayList<>();
        List<Integer> truth = new ArrayList<>();
        List<float[]> probabilities = new ArrayList<>();
        long unknown = 0;
        for (Scored r : rows) {
            int k = classes.indexOf(r.label());
            if (k < 0) {
                unknown++;
                continue;
            }
            paths.add(r.path());
            truth.add(k);
            probabilities.add(r.probabilities());
        }
        LOG.info("predicted {} labelled images on {} in {} s{}", paths.size(), network.engine().code(),
                String.format("%.1f", (System.nanoTime() - start) / 1e9),
                unknown > 0 ? " (" + unknown + " with a label the model does not know were left out)" : "");
        return new Predictions(paths, truth.stream().mapToInt(Integer::intValue).toArray(),
                probabilities.toArray(float[][]::new), unknown);
    }

    /** One labelled image's probabilities, as a task sends it back. */
    private record Scored(String path, String label, float[] probabilities) implements java.io.Serializable {
    }

    /** A task: (path, label, pixels) rows through the shared scorer, whole images, in batches. */
    private record ScoredPixels(ImageScorer.Setup setup, int imageSize)
            implements FlatMapFunction<Iterator<Row>, Scored> {
        @Override
        public Iterator<Scored> call(Iterator<Row> rows) {
            Queue<Scored> ready = new ArrayDeque<>();
            ImageScorer<Row> scorer = setup.open(ImageScorer.Timing.NONE, new ImageScorer.Sink<>() {
                @Override
                public void scored(Row row, ImageScorer.Face face, Prediction prediction) {
                    ready.add(new Scored(row.getString(0), row.getString(1), prediction.probabilities()));
                }

                @Override
                public void noFace(Row row) {
                    throw new IllegalStateException("no detector here, yet no face in " + row.getString(0));
                }

                @Override
                public void failed(Row row, String reason) {
                    // prepared pixels are never decoded, so nothing can fail but a broken prepared set
                    throw new IllegalStateException(row.getString(0) + " could not be scored: " + reason);
                }
            });
            return scorer.outputs(rows, row -> scorer.add(row, new RgbImage(imageSize, imageSize, row.getAs(2))), ready);
        }
    }

    /** metrics.json with {@code report} as its content, plus confusion_matrix.png and roc.png from {@code metrics}. */
    public static void writeReport(URI dir, Metrics metrics, Map<String, Object> report, Configuration hadoop) {
        Json.writeFile(Storage.child(dir, METRICS_FILE), report, hadoop);
        Storage.writeBytes(Storage.child(dir, "confusion_matrix.png"), Plots.confusion(metrics.classes(), metrics.confusion()), hadoop);
        Storage.writeBytes(Storage.child(dir, "roc.png"), Plots.roc(metrics.roc()).png(), hadoop);
    }
}
