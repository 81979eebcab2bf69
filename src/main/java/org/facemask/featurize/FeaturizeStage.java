package org.facemask.featurize;

import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.facemask.inference.SparkInference;
import org.facemask.model.Backbone;
import org.facemask.model.InferenceEngine;
import org.facemask.prepare.PreparedColumns;
import org.facemask.prepare.PreparedDataset;
import org.facemask.storage.Storage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;

/**
 * Runs the frozen base once over a prepared dataset and writes one feature vector per image (path, label, split,
 * sha256, features), so that training the head costs seconds per epoch instead of a forward pass of the base.
 */
public final class FeaturizeStage {
    public static final String FEATURES_DIR = "features";
    public static final String FEATURES = "features";
    private static final Logger LOG = LoggerFactory.getLogger(FeaturizeStage.class);

    private final SparkSession spark;

    public FeaturizeStage(SparkSession spark) {
        this.spark = spark;
    }

    /** How every table of feature vectors is written (featurize's, and training's augmented copies). */
    public static DataFrameWriter<Row> writer(Dataset<Row> features) {
        // 1,280 distinct floats per row: Parquet's dictionary attempt costs a hash map insert per value before it
        // falls back to plain encoding
        return features.write().option("parquet.enable.dictionary", "false");
    }

    /** @return the number of images featurized */
    public long run(PreparedDataset dataset, Backbone backbone, InferenceEngine engine, int threads, int batchSize,
                    int partitions, URI output) {
        long start = System.nanoTime();
        // Spark packs the prepared files into 128 MB read splits: six tasks for the 4,000-image dev set, so two
        // cores idle in the last wave and a 16-core cluster uses six. Automatic partitioning asks for at least
        // four read splits per core instead (no shuffle, unlike an explicit partition count), unless the Spark
        // configuration sets its own minimum.
        String minSplits = "spark.sql.files.minPartitionNum";
        boolean splitsPerCore = partitions == 0 && !spark.conf().contains(minSplits);
        if (splitsPerCore) {
            spark.conf().set(minSplits, 4L * spark.sparkContext().defaultParallelism());
        }
        try (SparkInference inference = new SparkInference(spark, backbone.graph(), engine, dataset.imageSize(), threads)) {
            Dataset<Row> images = dataset.images(spark).select(PreparedColumns.PATH, PreparedColumns.LABEL,
                    PreparedColumns.SPLIT, PreparedColumns.SHA256, PreparedColumns.PIXELS);
            String dir = Storage.sparkPath(Storage.child(output, FEATURES_DIR));
            writer(inference.apply(images, FEATURES, batchSize, partitions))
                    .mode(SaveMode.ErrorIfExists).partitionBy(PreparedColumns.SPLIT).parquet(dir);
            long count = spark.read().parquet(dir).count();
            double seconds = (System.nanoTime() - start) / 1e9;
            LOG.info("featurized {} images with MobileNetV2(alpha {}, {}) on {} in {} s ({} images/s); "
                            + "preprocessing + inference took {} task-seconds", count, backbone.alpha(),
                    backbone.pretrained() ? "ImageNet" : "random weights", engine.code(),
                    String.format("%.1f", seconds), String.format("%.1f", count / seconds),
                    String.format("%.1f", inference.inferenceSeconds()));
            return count;
        } finally {
            if (splitsPerCore) {
                spark.conf().unset(minSplits);
            }
        }
    }
}
