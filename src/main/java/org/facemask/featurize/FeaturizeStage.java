package org.facemask.featurize;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.facemask.model.Backbone;
import org.facemask.model.InferenceEngine;
import org.facemask.prepare.PreparedColumns;
import org.facemask.prepare.PreparedDataset;
import org.facemask.storage.Storage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;

/**
 * Runs the frozen base once over a prepared dataset and writes one feature vector per image, so that training the
 * head costs seconds per epoch instead of a forward pass of the base. The network travels to the executors as a
 * broadcast; each executor JVM builds it once.
 */
public final class FeaturizeStage {
    public static final String FEATURES_DIR = "features";
    public static final String FEATURES = "features";
    private static final Logger LOG = LoggerFactory.getLogger(FeaturizeStage.class);

    static final StructType SCHEMA = new StructType()
            .add(PreparedColumns.PATH, DataTypes.StringType, false)
            .add(PreparedColumns.LABEL, DataTypes.StringType, false)
            .add(PreparedColumns.SPLIT, DataTypes.StringType, false)
            .add(PreparedColumns.SHA256, DataTypes.StringType, false)
            .add(FEATURES, DataTypes.createArrayType(DataTypes.FloatType, false), false);

    private final SparkSession spark;

    public FeaturizeStage(SparkSession spark) {
        this.spark = spark;
    }

    /** @return the number of images featurized */
    public long run(PreparedDataset dataset, Backbone backbone, InferenceEngine engine, int threads, int batchSize,
                    int partitions, URI output) {
        long start = System.nanoTime();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<byte[]> model = jsc.broadcast(engine.serialize(backbone.graph(), dataset.imageSize()));
        int sessionThreads = threads > 0 ? threads : spark.sparkContext().getConf().getInt("spark.task.cpus", 1);
        try {
            Dataset<Row> images = dataset.images(spark).select(PreparedColumns.PATH, PreparedColumns.LABEL,
                    PreparedColumns.SPLIT, PreparedColumns.SHA256, PreparedColumns.PIXELS);
            JavaRDD<Row> rows = images.javaRDD();
            if (partitions > 0) {
                rows = rows.repartition(partitions);
            }
            LongAccumulator inferenceNanos = spark.sparkContext().longAccumulator("inference nanoseconds");
            Dataset<Row> features = spark.createDataFrame(rows.mapPartitions(new FeaturizePartition(engine, model,
                    dataset.imageSize(), batchSize, sessionThreads, inferenceNanos)), SCHEMA);
            String dir = Storage.child(output, FEATURES_DIR).toString();
            features.write().mode(SaveMode.ErrorIfExists).partitionBy(PreparedColumns.SPLIT).parquet(dir);
            long count = spark.read().parquet(dir).count();
            double seconds = (System.nanoTime() - start) / 1e9;
            LOG.info("featurized {} images with MobileNetV2(alpha {}, {}) on {} in {} s ({} images/s); "
                            + "preprocessing + inference took {} task-seconds", count, backbone.alpha(),
                    backbone.pretrained() ? "ImageNet" : "random weights", engine.code(),
                    String.format("%.1f", seconds), String.format("%.1f", count / seconds),
                    String.format("%.1f", inferenceNanos.value() / 1e9));
            return count;
        } finally {
            model.destroy();
        }
    }
}
