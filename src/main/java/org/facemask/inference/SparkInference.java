package org.facemask.inference;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.facemask.config.ModelSettings;
import org.facemask.model.InferenceEngine;
import org.facemask.model.ModelDirectory;
import org.facemask.model.OnnxExporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A network applied to a table of pixels on the executors: the network is serialised once for its engine,
 * broadcast, and built once per executor JVM. Close it after the results are written.
 */
public final class SparkInference implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SparkInference.class);
    private final SparkSession spark;
    private final InferenceEngine engine;
    private final Broadcast<byte[]> model;
    /** Names this network in the executors' cache: broadcast ids start again at 0 in each SparkContext of a JVM. */
    private final String key = java.util.UUID.randomUUID().toString();
    private final int imageSize;
    private final int threads;
    private final LongAccumulator inferenceNanos;

    /**
     * The network serialised here for its engine (for ONNX Runtime: exported).
     *
     * @param threads ONNX Runtime threads per session; 0 = spark.task.cpus
     */
    public SparkInference(SparkSession spark, ComputationGraph network, InferenceEngine engine, int imageSize, int threads) {
        this(spark, engine.serialize(network, imageSize), engine, imageSize, threads,
                engine == InferenceEngine.ONNXRUNTIME && OnnxExporter.channelBlockOfThisCpu() > 1
                        ? ", channels padded to blocks of 16 for this CPU's AVX-512 kernels" : "");
    }

    /**
     * A network already serialised for its engine ({@link org.facemask.model.ModelDirectory#networkFor}).
     *
     * @param threads ONNX Runtime threads per session; 0 = spark.task.cpus
     */
    public SparkInference(SparkSession spark, byte[] serialized, InferenceEngine engine, int imageSize, int threads) {
        this(spark, serialized, engine, imageSize, threads, "");
    }

    /**
     * A trained model's network for the executors, as every job that scores with one ships it: train's model.onnx
     * as it is (exported only for an older model directory, {@link ModelDirectory#networkFor}), at the model's
     * image size, with the configured engine and threads.
     */
    public static SparkInference of(SparkSession spark, ModelDirectory directory, ModelSettings model) {
        return new SparkInference(spark, directory.networkFor(model.engine(), spark.sparkContext().hadoopConfiguration()),
                model.engine(), directory.metadata().imageSize(), model.inferenceThreads());
    }

    private SparkInference(SparkSession spark, byte[] serialized, InferenceEngine engine, int imageSize, int threads,
                           String exportNote) {
        this.spark = spark;
        this.engine = engine;
        this.imageSize = imageSize;
        LOG.info("{} network for the executors: {} KB{}", engine.code(), serialized.length / 1024, exportNote);
        this.model = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(serialized);
        this.threads = sessionThreads(spark, threads);
        this.inferenceNanos = spark.sparkContext().longAccumulator("inference nanoseconds");
    }

    /** ONNX Runtime threads per session: as configured, or one per core of a task (spark.task.cpus). */
    public static int sessionThreads(SparkSession spark, int configured) {
        return configured > 0 ? configured : spark.sparkContext().getConf().getInt("spark.task.cpus", 1);
    }

    /**
     * @param images       rows whose columns are {@code keep} then a binary pixels column last
     * @param outputColumn name of the float array column that replaces the pixels
     * @param partitions   repartition first when above 0
     */
    public Dataset<Row> apply(Dataset<Row> images, String outputColumn, int batchSize, int partitions) {
        StructType in = images.schema();
        StructType out = new StructType();
        for (int i = 0; i < in.fields().length - 1; i++) {
            out = out.add(in.fields()[i]);
        }
        out = out.add(outputColumn, DataTypes.createArrayType(DataTypes.FloatType, false), false);
        JavaRDD<Row> rows = images.javaRDD();
        if (partitions > 0) {
            rows = rows.repartition(partitions);
        }
        return spark.createDataFrame(rows.mapPartitions(
                new BatchInference(handle(), batchSize, inferenceNanos)), out);
    }

    /** For tasks that run the network themselves (per-face scoring): {@code handle.get()} inside the task. */
    public Handle handle() {
        return new Handle(key, engine, model, imageSize, threads);
    }

    /** What a task needs to reach the executor's copy of the network; serialisable, small. */
    public record Handle(String key, InferenceEngine engine, Broadcast<byte[]> model, int imageSize, int threads)
            implements java.io.Serializable {
        public org.facemask.model.InferenceModel get() {
            return ExecutorModels.model(key, engine, model, imageSize, threads);
        }
    }

    /** Task-seconds spent in preprocessing + inference so far. */
    public double inferenceSeconds() {
        return inferenceNanos.value() / 1e9;
    }

    @Override
    public void close() {
        ExecutorModels.forget(key);
        model.destroy();
    }
}
