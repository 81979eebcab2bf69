package org.facemask.spark;

import org.apache.spark.sql.SparkSession;
import org.facemask.config.ModelSettings;
import org.facemask.config.PipelineConfig;
import org.facemask.config.StorageUri;
import org.facemask.detect.DetectorModel;
import org.facemask.inference.ImageScorer;
import org.facemask.inference.SparkInference;
import org.facemask.model.ModelDirectory;

import java.util.List;

/**
 * What the Spark ML stage and the SQL functions set up on the driver, as the score job does: the model directory
 * checked (model.zip against metadata.json), the network in its engine's form (model.onnx for ONNX Runtime) broadcast once (each executor
 * JVM builds it once, {@link SparkInference.Handle}), and the face detector read when faces are wanted. Settings are
 * the pipeline's own keys ({@code faces.*}, {@code image.*}, {@code model.engine}, {@code model.inference-batch},
 * {@code model.inference-threads}) over reference.conf, so their checks and error messages are the jobs'.
 *
 * <p>The broadcast lives as long as this object (unpersisted by Spark's cleaner after it is collected).
 */
final class SparkScoring {
    private final ModelDirectory directory;
    private final PipelineConfig config;
    private final SparkInference inference;
    private DetectorModel detector;

    private SparkScoring(ModelDirectory directory, PipelineConfig config, SparkInference inference) {
        this.directory = directory;
        this.config = config;
        this.inference = inference;
    }

    /**
     * @param modelDir a model directory written by train (any Hadoop file system)
     * @param settings {@code key=value} pairs as on the command line
     * @throws org.facemask.config.ConfigError naming the key of a bad setting or a model directory without model
     */
    static SparkScoring open(SparkSession spark, String key, String modelDir, List<String> settings) {
        PipelineConfig config = PipelineConfig.load(null, settings);
        ModelDirectory directory = directory(spark, key, modelDir);
        config.faces(); // a bad faces.* setting fails here, before any data moves, also when faces are off
        config.image();
        ModelSettings model = config.model();
        SparkInference inference = SparkInference.of(spark, directory, model);
        return new SparkScoring(directory, config, inference);
    }

    /** Checks the model directory only (metadata.json against model.zip), for the class names. */
    static ModelDirectory directory(SparkSession spark, String key, String modelDir) {
        return ModelDirectory.open(key, StorageUri.parse(key, modelDir), spark.sparkContext().hadoopConfiguration());
    }

    ModelDirectory directory() {
        return directory;
    }

    /** The scorer's setup for the tasks: whole images, or every face the configured detector finds. */
    synchronized ImageScorer.Setup setup(SparkSession spark, boolean faces) {
        if (faces && detector == null) {
            detector = DetectorModel.load(config.faces(), spark.sparkContext().hadoopConfiguration());
        }
        return new ImageScorer.Setup(config.image().withSize(directory.metadata().imageSize()),
                directory.metadata().classes(), inference.handle(), config.model().inferenceBatch(),
                faces ? detector : null);
    }
}
