package org.facemask.train;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.facemask.config.ModelSettings;
import org.facemask.config.TrainSettings;
import org.facemask.evaluate.EvaluateStage;
import org.facemask.evaluate.Metrics;
import org.facemask.evaluate.Plots;
import org.facemask.featurize.FeaturizeStage;
import org.facemask.inference.SparkInference;
import org.facemask.model.Backbone;
import org.facemask.model.Classifier;
import org.facemask.model.ModelDirectory;
import org.facemask.model.ModelMetadata;
import org.facemask.prepare.PreparedColumns;
import org.facemask.prepare.PreparedDataset;
import org.facemask.prepare.Split;
import org.facemask.storage.Storage;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;

/**
 * Trains the classifier with DL4J's Spark parameter averaging, one epoch per pass over the training split; after
 * each epoch, loss and accuracy over the whole validation split; keeps the best network by validation loss (and
 * the last, to resume); stops early after {@code patience} epochs without improvement. Then writes the whole
 * classifier with the best weights and evaluates it on the untouched test split.
 */
public final class TrainStage {
    private static final Logger LOG = LoggerFactory.getLogger(TrainStage.class);
    private final SparkSession spark;
    private final Configuration hadoop;

    public TrainStage(SparkSession spark) {
        this.spark = spark;
        this.hadoop = spark.sparkContext().hadoopConfiguration();
    }

    /** What a run produced. */
    public record Result(ModelDirectory model, Metrics test, int bestEpoch, List<EpochMetrics> epochs) {
    }

    public Result run(PreparedDataset dataset, Backbone backbone, ModelSettings model, TrainSettings settings) {
        long start = System.nanoTime();
        TrainSettings.Mode mode = settings.mode();
        if (!backbone.pretrained() && mode == TrainSettings.Mode.FEATURES) {
            LOG.warn("the base has no pretrained weights, so it must learn too: training end-to-end instead of on features");
            mode = TrainSettings.Mode.END_TO_END;
        }
        URI work = Storage.child(settings.output(), "_work");
        List<String> classes = dataset.classes();
        Classifier.HeadSpec head = new Classifier.HeadSpec(model.headHidden(), model.headDropout(), classes.size(),
                settings.updater() == TrainSettings.Updater.ADAM ? Classifier.HeadSpec.adam(settings.learningRate())
                        : Classifier.HeadSpec.sgd(settings.learningRate()), settings.seed());

        JavaRDD<DataSet> train;
        DriverValidation val;
        if (mode == TrainSettings.Mode.FEATURES) {
            URI features = Storage.child(work, FeaturizeStage.FEATURES_DIR);
            if (!Storage.exists(Storage.child(features, "_SUCCESS"), hadoop)) {
                Storage.delete(features, hadoop);
                new FeaturizeStage(spark).run(dataset, backbone, model.engine(), model.inferenceThreads(),
                        model.inferenceBatch(), 0, work);
            }
            Dataset<Row> table = spark.read().parquet(Storage.sparkPath(features));
            TrainingData.FromFeatures toDataSet = new TrainingData.FromFeatures(classes);
            Dataset<Row> trainTable = settings.augmentCopies() > 0
                    ? table.unionByName(augmentedFeatures(dataset, backbone, model, settings, work)) : table;
            train = examples(trainTable, FeaturizeStage.FEATURES, toDataSet, settings, true);
            val = new DriverValidation(rows(table, Split.VAL, FeaturizeStage.FEATURES), toDataSet);
        } else {
            Dataset<Row> table = dataset.images(spark);
            boolean augment = settings.augmentCopies() > 0;
            TrainingData.FromPixels toDataSet = new TrainingData.FromPixels(classes, dataset.imageSize(), null);
            // augmented examples must be made anew every epoch, so they are not kept
            train = examples(table, PreparedColumns.PIXELS, augment ? new TrainingData.FromPixels(classes,
                    dataset.imageSize(), settings.augmentation()) : toDataSet, settings, !augment);
            val = new DriverValidation(rows(table, Split.VAL, PreparedColumns.PIXELS), toDataSet);
        }
        long trainCount = train.count();
        long valCount = val.size();
        LOG.info("training {} on {} train / {} validation images ({} mode, {} workers, batch {} per worker, averaging every {})",
                classes, trainCount, valCount, mode.name().toLowerCase().replace('_', '-'), train.getNumPartitions(),
                settings.batchSize(), settings.averagingFrequency());

        Checkpoints checkpoints = new Checkpoints(settings.output(), hadoop);
        Checkpoints.State state = settings.resume() ? checkpoints.state() : null;
        ComputationGraph network;
        List<EpochMetrics> epochs = new ArrayList<>();
        int bestEpoch = 0;
        double bestValLoss = Double.POSITIVE_INFINITY;
        if (state != null) {
            network = checkpoints.last();
            epochs.addAll(state.epochs());
            bestEpoch = state.bestEpoch();
            bestValLoss = state.bestValLoss();
            LOG.info("resuming after epoch {} (best so far: epoch {}, val loss {})", epochs.size(), bestEpoch,
                    String.format("%.4f", bestValLoss));
        } else {
            network = mode == TrainSettings.Mode.FEATURES ? Classifier.head(backbone.featureSize(), head)
                    : Classifier.classifier(backbone, head, backbone.pretrained());
        }

        boolean stoppedEarly = false;
        try (ParameterAveragingTrainer trainer = new ParameterAveragingTrainer(
                JavaSparkContext.fromSparkContext(spark.sparkContext()), network, settings,
                Storage.child(work, "export"), hadoop)) {
            for (int epoch = epochs.size() + 1; epoch <= settings.epochs(); epoch++) {
                if (settings.patience() > 0 && epoch - 1 - bestEpoch >= settings.patience()) {
                    stoppedEarly = true;
                    LOG.info("stopping early: no lower validation loss for {} epochs (best: epoch {})",
                            settings.patience(), bestEpoch);
                    break;
                }
                long t = System.nanoTime();
                double trainLoss = trainer.fitEpoch(train);
                DriverValidation.Result v = val.evaluate(trainer.network());
                double valLoss = v.loss();
                double valAccuracy = v.accuracy();
                EpochMetrics m = new EpochMetrics(epoch, trainLoss, valLoss, valAccuracy, (System.nanoTime() - t) / 1e9);
                epochs.add(m);
                boolean best = valLoss < bestValLoss;
                if (best) {
                    bestValLoss = valLoss;
                    bestEpoch = epoch;
                }
                checkpoints.save(trainer.network(), new Checkpoints.State(mode.name(), epochs, bestEpoch, bestValLoss), best);
                LOG.info("epoch {}/{}: train loss {}, val loss {}, val accuracy {} ({} s){}", epoch, settings.epochs(),
                        String.format("%.4f", trainLoss), String.format("%.4f", valLoss),
                        String.format("%.4f", valAccuracy), String.format("%.1f", m.seconds()), best ? "  best so far" : "");
            }
        } finally {
            train.unpersist();
        }

        ComputationGraph best = checkpoints.best();
        ComputationGraph classifier = best;
        if (mode == TrainSettings.Mode.FEATURES) {
            classifier = Classifier.classifier(backbone, head, true);
            Classifier.copyHead(best, classifier);
        }
        Dataset<Row> test = dataset.images(spark).where(col(PreparedColumns.SPLIT).equalTo(Split.TEST.code()))
                .select(PreparedColumns.PATH, PreparedColumns.LABEL, PreparedColumns.PIXELS);
        EvaluateStage.Predictions predictions = new EvaluateStage(spark).predict(test, classifier, classes,
                model.engine(), model.inferenceThreads(), dataset.imageSize(), model.inferenceBatch());
        Metrics testMetrics = Metrics.compute(classes, predictions.truth(), predictions.probabilities());

        Map<String, Object> training = new LinkedHashMap<>();
        training.put("mode", mode.name().toLowerCase().replace('_', '-'));
        training.put("base_frozen", backbone.pretrained());
        training.put("base_weights_file", backbone.weightsFile());
        training.put("epochs_run", epochs.size());
        training.put("max_epochs", settings.epochs());
        training.put("best_epoch", bestEpoch);
        training.put("best_val_loss", bestValLoss);
        training.put("stopped_early", stoppedEarly);
        training.put("updater", settings.updater().name().toLowerCase());
        training.put("learning_rate", settings.learningRate());
        training.put("batch_size_per_worker", settings.batchSize());
        training.put("averaging_frequency", settings.averagingFrequency());
        training.put("workers", train.getNumPartitions());
        training.put("seed", settings.seed());
        training.put("patience", settings.patience());
        training.put("head", Map.of("hidden", model.headHidden(), "dropout", model.headDropout()));
        training.put("augmentation", settings.augmentCopies() == 0 ? "none" : Map.of("copies", settings.augmentCopies(),
                "flip", settings.augmentation().flip(), "rotation", settings.augmentation().rotationDegrees(),
                "zoom", settings.augmentation().zoom(), "shift", settings.augmentation().shift(),
                "low_resolution", settings.augmentation().lowResolution(), "photometric", photometric(settings)));
        training.put("images", Map.of("train", trainCount, "val", valCount, "test", testMetrics.images()));
        training.put("input", dataset.location().toString());
        Instant createdAt = Instant.now();
        ModelDirectory written = ModelDirectory.write(settings.output(), classifier, modelSha256 -> ModelMetadata.create(
                modelSha256, createdAt, classes, dataset.imageSize(), backbone.alpha(), backbone.pretrained(),
                backbone.weightsSha256(), training), hadoop);
        ModelMetadata metadata = written.metadata();
        writeReport(settings.output(), epochs, bestEpoch, stoppedEarly, testMetrics);
        Storage.delete(work, hadoop);
        LOG.info("model {} written to {}: best epoch {} (val loss {}), test accuracy {} on {} images, AUC {}; took {} s",
                metadata.version(), settings.output(), bestEpoch, String.format("%.4f", bestValLoss),
                String.format("%.4f", testMetrics.accuracy()), testMetrics.images(), String.format("%.4f", testMetrics.auc()),
                String.format("%.1f", (System.nanoTime() - start) / 1e9));
        return new Result(written, testMetrics, bestEpoch, epochs);
    }

    /** The training split as one-example DataSets, spread over the workers, kept for every epoch if {@code keep}. */
    private JavaRDD<DataSet> examples(Dataset<Row> table, String inputColumn,
                                      org.apache.spark.api.java.function.Function<Row, DataSet> toDataSet,
                                      TrainSettings settings, boolean keep) {
        int workers = settings.workers() > 0 ? settings.workers() : spark.sparkContext().defaultParallelism();
        JavaRDD<DataSet> examples = table.where(col(PreparedColumns.SPLIT).equalTo(Split.TRAIN.code()))
                .select(PreparedColumns.LABEL, inputColumn)
                .javaRDD().map(toDataSet)
                .repartition(workers);
        return keep ? examples.persist(StorageLevel.MEMORY_AND_DISK_SER()) : examples;
    }

    /** Features of {@code augment.copies} augmented variants of every training image, featurized once. */
    private Dataset<Row> augmentedFeatures(PreparedDataset dataset, Backbone backbone, ModelSettings model,
                                           TrainSettings settings, URI work) {
        URI dir = Storage.child(work, "features-augmented");
        if (!Storage.exists(Storage.child(dir, "_SUCCESS"), hadoop)) {
            Storage.delete(dir, hadoop);
            Dataset<Row> train = dataset.images(spark).where(col(PreparedColumns.SPLIT).equalTo(Split.TRAIN.code()))
                    .select(PreparedColumns.PATH, PreparedColumns.LABEL, PreparedColumns.SPLIT, PreparedColumns.SHA256,
                            PreparedColumns.PIXELS);
            Dataset<Row> variants = spark.createDataFrame(train.javaRDD().flatMap(new TrainingData.AugmentedCopies(
                    settings.augmentation(), settings.augmentCopies(), dataset.imageSize(), settings.seed())), train.schema());
            try (SparkInference inference = new SparkInference(spark, backbone.graph(), model.engine(),
                    dataset.imageSize(), model.inferenceThreads())) {
                FeaturizeStage.writer(inference.apply(variants, FeaturizeStage.FEATURES, model.inferenceBatch(), 0))
                        .parquet(Storage.sparkPath(dir));
            }
            LOG.info("featurized {} augmented copies of each training image", settings.augmentCopies());
        }
        return spark.read().parquet(Storage.sparkPath(dir));
    }

    private static Map<String, Object> photometric(TrainSettings settings) {
        org.facemask.image.Photometric p = settings.augmentation().photometric();
        return Map.of("brightness", p.brightness(), "contrast", p.contrast(), "saturation", p.saturation(),
                "blur", p.blurSigma(), "jpeg_quality", p.jpegQuality());
    }

    /** A split's (label, input) rows on the driver, in a stable order. */
    private static List<Row> rows(Dataset<Row> table, Split split, String inputColumn) {
        return table.where(col(PreparedColumns.SPLIT).equalTo(split.code())).orderBy(PreparedColumns.PATH)
                .select(PreparedColumns.LABEL, inputColumn).collectAsList();
    }

    private void writeReport(URI dir, List<EpochMetrics> epochs, int bestEpoch, boolean stoppedEarly, Metrics test) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("epochs", epochs.stream().map(EpochMetrics::toMap).toList());
        report.put("best_epoch", bestEpoch);
        report.put("stopped_early", stoppedEarly);
        report.put("test", test.toMap());
        EvaluateStage.writeReport(dir, test, report, hadoop);
        Map<String, double[][]> loss = new LinkedHashMap<>();
        loss.put("train loss", epochs.stream().map(e -> new double[]{e.epoch(), e.trainLoss()}).toArray(double[][]::new));
        loss.put("validation loss", epochs.stream().map(e -> new double[]{e.epoch(), e.valLoss()}).toArray(double[][]::new));
        Storage.writeBytes(Storage.child(dir, "loss.png"), Plots.lines("Loss", "epoch", "cross-entropy", loss), hadoop);
        Storage.writeBytes(Storage.child(dir, "accuracy.png"), Plots.lines("Validation accuracy", "epoch", "accuracy",
                Map.of("validation accuracy", epochs.stream().map(e -> new double[]{e.epoch(), e.valAccuracy()})
                        .toArray(double[][]::new))), hadoop);
    }
}
