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
import org.facemask.image.Augmentation;
import org.facemask.image.Photometric;
import org.facemask.inference.SparkInference;
import org.facemask.model.Backbone;
import org.facemask.model.Classifier;
import org.facemask.model.FineTuning;
import org.facemask.model.InferenceEngine;
import org.facemask.model.ModelDirectory;
import org.facemask.model.ModelMetadata;
import org.facemask.model.OnnxExporter;
import org.facemask.prepare.PreparedColumns;
import org.facemask.prepare.PreparedDataset;
import org.facemask.prepare.Split;
import org.facemask.report.ClassificationReport;
import org.facemask.report.Misclassified;
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
import java.util.function.Supplier;

import static org.apache.spark.sql.functions.col;

/**
 * Trains the classifier with DL4J's Spark parameter averaging, one epoch per pass over the training split; after
 * each epoch, loss and accuracy over the whole validation split; keeps the best network by validation loss (and
 * the last, to resume); stops early after {@code patience} epochs without improvement. Then exports the whole
 * classifier with the best weights to ONNX once, evaluates that on the untouched test split, and writes the model
 * directory (model.zip, model.onnx, metadata.json) and the report.
 *
 * <p>{@link #run} reads as the steps in order: the examples (featurized and augmented, or pixels), the head's fit
 * (resumed from its checkpoint when asked), fine-tuning, the best classifier, its export, the test metrics, the
 * model directory, the report.
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
        Plan plan = plan(dataset, backbone, model, settings);
        Examples examples = plan.mode() == TrainSettings.Mode.FEATURES ? featureExamples(plan) : pixelExamples(plan);
        LOG.info("training {} on {} train / {} validation images ({} mode, {} workers, batch {} per worker, averaging every {})",
                plan.classes(), examples.trainCount(), examples.valCount(), plan.modeName(), examples.workers(),
                settings.batchSize(), settings.averagingFrequency());
        Fit head = fitHead(plan, examples);
        FineTuned fineTuned = fineTuneIfAsked(plan, head);
        ComputationGraph classifier = selectBest(plan, head, fineTuned);
        Exported onnx = Exported.of(classifier, dataset.imageSize());
        TestRun test = testMetrics(plan, classifier, onnx);
        Map<String, Object> training = trainingRecord(plan, examples, head, fineTuned, test.metrics());
        ModelDirectory written = writeModel(plan, classifier, onnx, training);
        writeReport(settings.output(), head, fineTuned == null ? null : fineTuned.fit(), test.metrics(),
                reportSettings(written.metadata(), dataset, training),
                Misclassified.of(test.predictions(), plan.classes(), test.images(), dataset.imageSize()));
        Storage.delete(plan.work(), hadoop);
        logOutcome(written, head, fineTuned, test.metrics(), start);
        return new Result(written, test.metrics(), head.bestEpoch(), head.epochs());
    }

    private static void logOutcome(ModelDirectory written, Fit head, FineTuned fineTuned, Metrics test, long start) {
        Fit kept = fineTuned != null && fineTuned.kept() ? fineTuned.fit() : head;
        LOG.info("model {} written to {}: best {}epoch {} (val loss {}), test accuracy {} on {} images, AUC {}; took {} s",
                written.metadata().version(), written.location(), kept == head ? "" : "fine-tuning ", kept.bestEpoch(),
                String.format("%.4f", kept.bestValLoss()), String.format("%.4f", test.accuracy()), test.images(),
                String.format("%.4f", test.auc()), String.format("%.1f", (System.nanoTime() - start) / 1e9));
    }

    /** What a run trains, and how: the settings, with the mode the base allows. */
    private record Plan(PreparedDataset dataset, Backbone backbone, ModelSettings model, TrainSettings settings,
                        TrainSettings.Mode mode, URI work) {
        List<String> classes() {
            return dataset.classes();
        }

        String modeName() {
            return mode.name().toLowerCase().replace('_', '-');
        }

        /** The head's layers, trained by the configured updater at {@code learningRate}. */
        Classifier.HeadSpec headSpec(double learningRate) {
            return new Classifier.HeadSpec(model.headHidden(), model.headDropout(), classes().size(),
                    settings.updater() == TrainSettings.Updater.ADAM ? Classifier.HeadSpec.adam(learningRate)
                            : Classifier.HeadSpec.sgd(learningRate), settings.seed());
        }
    }

    private static Plan plan(PreparedDataset dataset, Backbone backbone, ModelSettings model, TrainSettings settings) {
        TrainSettings.Mode mode = settings.mode();
        if (!backbone.pretrained() && mode == TrainSettings.Mode.FEATURES) {
            LOG.warn("the base has no pretrained weights, so it must learn too: training end-to-end instead of on features");
            mode = TrainSettings.Mode.END_TO_END;
        }
        return new Plan(dataset, backbone, model, settings, mode, Storage.child(settings.output(), "_work"));
    }

    /**
     * The training examples spread over the workers (counted, which also fills their cache), and the validation
     * split on the driver.
     */
    private record Examples(JavaRDD<DataSet> train, DriverValidation val, long trainCount) {
        long valCount() {
            return val.size();
        }

        int workers() {
            return train.getNumPartitions();
        }
    }

    /**
     * Features mode: the base's features of every image, featurized once (a resumed run reads them again), with the
     * features of the augmented copies of the training images.
     */
    private Examples featureExamples(Plan plan) {
        Dataset<Row> table = features(plan);
        TrainingData.FromFeatures toDataSet = new TrainingData.FromFeatures(plan.classes());
        Dataset<Row> trainTable = plan.settings().augmentCopies() > 0
                ? table.unionByName(augmentedFeatures(plan)) : table;
        JavaRDD<DataSet> train = examples(trainTable, FeaturizeStage.FEATURES, toDataSet, plan.settings(), true);
        return new Examples(train, new DriverValidation(rows(table, Split.VAL, FeaturizeStage.FEATURES), toDataSet),
                train.count());
    }

    /** The base's features of every image (featurize's table), computed once: a resumed run reads them again. */
    private Dataset<Row> features(Plan plan) {
        URI features = Storage.child(plan.work(), FeaturizeStage.FEATURES_DIR);
        if (!Storage.exists(Storage.child(features, "_SUCCESS"), hadoop)) {
            Storage.delete(features, hadoop);
            new FeaturizeStage(spark).run(plan.dataset(), plan.backbone(), plan.model().engine(),
                    plan.model().inferenceThreads(), plan.model().inferenceBatch(), 0, plan.work());
        }
        return spark.read().parquet(Storage.sparkPath(features));
    }

    /** End-to-end mode: the prepared pixels; augmented copies are made anew every epoch, so they are not kept. */
    private Examples pixelExamples(Plan plan) {
        Dataset<Row> table = plan.dataset().images(spark);
        TrainSettings settings = plan.settings();
        boolean augment = settings.augmentCopies() > 0;
        int imageSize = plan.dataset().imageSize();
        TrainingData.FromPixels toDataSet = new TrainingData.FromPixels(plan.classes(), imageSize, null);
        JavaRDD<DataSet> train = examples(table, PreparedColumns.PIXELS, augment ? new TrainingData.FromPixels(
                plan.classes(), imageSize, settings.augmentation()) : toDataSet, settings, !augment);
        return new Examples(train, new DriverValidation(rows(table, Split.VAL, PreparedColumns.PIXELS), toDataSet),
                train.count());
    }

    /** The head (features mode) or the whole classifier trained, resumed from its checkpoint when asked. */
    private Fit fitHead(Plan plan, Examples examples) {
        Classifier.HeadSpec head = plan.headSpec(plan.settings().learningRate());
        Backbone backbone = plan.backbone();
        Supplier<ComputationGraph> untrained = () -> plan.mode() == TrainSettings.Mode.FEATURES
                ? Classifier.head(backbone.featureSize(), head)
                : Classifier.classifier(backbone, head, backbone.pretrained());
        Fit fit = fit(new Checkpoints(plan.settings().output(), "checkpoints", hadoop), plan.mode().name(), "",
                plan.settings(), plan.settings().epochs(), examples.train(), examples.val(), untrained,
                Double.POSITIVE_INFINITY, plan.work());
        if (fit.best() == null) {
            throw new IllegalStateException("no epoch gave a finite validation loss: nothing to keep");
        }
        return fit;
    }

    /** Fine-tuning when train.fine-tune asks for it and the head was trained on features; null otherwise. */
    private FineTuned fineTuneIfAsked(Plan plan, Fit head) {
        TrainSettings.FineTune fineTune = plan.settings().fineTune();
        if (!fineTune.enabled()) {
            return null;
        }
        if (plan.mode() != TrainSettings.Mode.FEATURES) {
            LOG.warn("train.fine-tune.blocks = {} is ignored: fine-tuning follows the head of the features mode",
                    fineTune.blocks());
            return null;
        }
        return fineTune(plan, head.best());
    }

    /** The whole classifier with the best weights: fine-tuned when that beat the head, else the base and the head. */
    private static ComputationGraph selectBest(Plan plan, Fit head, FineTuned fineTuned) {
        if (fineTuned != null && fineTuned.kept()) {
            return fineTuned.classifier();
        }
        if (plan.mode() != TrainSettings.Mode.FEATURES) {
            return head.best();
        }
        ComputationGraph classifier = Classifier.classifier(plan.backbone(), plan.headSpec(plan.settings().learningRate()),
                true);
        Classifier.copyHead(head.best(), classifier);
        return classifier;
    }

    /**
     * The classifier exported to ONNX once: written as model.onnx, and what the test metrics run on with ONNX
     * Runtime, so they measure the very file score uses. Its channel padding is chosen for this machine's CPU.
     */
    private record Exported(byte[] onnx, int channelBlock) {
        static Exported of(ComputationGraph classifier, int imageSize) {
            int channelBlock = OnnxExporter.channelBlockOfThisCpu();
            return new Exported(OnnxExporter.export(classifier, imageSize, channelBlock), channelBlock);
        }
    }

    /** The test split's images, their predictions and the metrics computed from them. */
    private record TestRun(Dataset<Row> images, EvaluateStage.Predictions predictions, Metrics metrics) {
    }

    /** The classifier on the untouched test split, with the configured engine (ONNX Runtime: the exported graph). */
    private TestRun testMetrics(Plan plan, ComputationGraph classifier, Exported onnx) {
        ModelSettings model = plan.model();
        int imageSize = plan.dataset().imageSize();
        Dataset<Row> test = plan.dataset().images(spark).where(col(PreparedColumns.SPLIT).equalTo(Split.TEST.code()))
                .select(PreparedColumns.PATH, PreparedColumns.LABEL, PreparedColumns.PIXELS);
        EvaluateStage.Predictions predictions;
        try (SparkInference inference = model.engine() == InferenceEngine.ONNXRUNTIME
                ? new SparkInference(spark, onnx.onnx(), model.engine(), imageSize, model.inferenceThreads())
                : new SparkInference(spark, classifier, model.engine(), imageSize, model.inferenceThreads())) {
            predictions = new EvaluateStage(spark).predict(test, inference, plan.classes(), model.inferenceBatch());
        }
        return new TestRun(test, predictions, Metrics.compute(plan.classes(), predictions.truth(),
                predictions.probabilities()));
    }

    /** The training settings and outcome, as metadata.json records them. */
    private static Map<String, Object> trainingRecord(Plan plan, Examples examples, Fit head, FineTuned fineTuned,
                                                      Metrics test) {
        TrainSettings settings = plan.settings();
        ModelSettings model = plan.model();
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("mode", plan.modeName());
        training.put("base_frozen", plan.backbone().pretrained());
        training.put("base_weights_file", plan.backbone().weightsFile());
        training.put("epochs_run", head.epochs().size());
        training.put("max_epochs", settings.epochs());
        training.put("best_epoch", head.bestEpoch());
        training.put("best_val_loss", head.bestValLoss());
        training.put("stopped_early", head.stoppedEarly());
        training.put("updater", settings.updater().name().toLowerCase());
        training.put("learning_rate", settings.learningRate());
        training.put("batch_size_per_worker", settings.batchSize());
        training.put("averaging_frequency", settings.averagingFrequency());
        training.put("workers", examples.workers());
        training.put("seed", settings.seed());
        training.put("patience", settings.patience());
        training.put("head", Map.of("hidden", model.headHidden(), "dropout", model.headDropout()));
        training.put("augmentation", augmentationRecord(settings));
        training.put("images", Map.of("train", examples.trainCount(), "val", examples.valCount(), "test", test.images()));
        training.put("fine_tune", fineTuned == null ? "none" : fineTuned.toMap(settings.fineTune()));
        training.put("input", plan.dataset().location().toString());
        return training;
    }

    private static Object augmentationRecord(TrainSettings settings) {
        if (settings.augmentCopies() == 0) {
            return "none";
        }
        Augmentation a = settings.augmentation();
        Photometric p = a.photometric();
        return Map.of("copies", settings.augmentCopies(), "flip", a.flip(), "rotation", a.rotationDegrees(),
                "zoom", a.zoom(), "shift", a.shift(), "low_resolution", a.lowResolution(), "photometric",
                Map.of("brightness", p.brightness(), "contrast", p.contrast(), "saturation", p.saturation(),
                        "blur", p.blurSigma(), "jpeg_quality", p.jpegQuality()));
    }

    /** model.zip, model.onnx and metadata.json (last, so a readable metadata.json means a whole model). */
    private ModelDirectory writeModel(Plan plan, ComputationGraph classifier, Exported onnx, Map<String, Object> training) {
        Instant createdAt = Instant.now();
        Backbone backbone = plan.backbone();
        return ModelDirectory.write(plan.settings().output(), classifier, onnx.onnx(), onnx.channelBlock(),
                (modelSha256, onnxFile) -> ModelMetadata.create(modelSha256, onnxFile, createdAt, plan.classes(),
                        plan.dataset().imageSize(), backbone.alpha(), backbone.pretrained(), backbone.weightsSha256(),
                        training), hadoop);
    }

    /** What the report page shows as the run's settings: the model version and image size, then the training record. */
    private static Map<String, Object> reportSettings(ModelMetadata metadata, PreparedDataset dataset,
                                                      Map<String, Object> training) {
        Map<String, Object> shown = new LinkedHashMap<>();
        shown.put("model_version", metadata.version());
        shown.put("image_size", dataset.imageSize());
        shown.putAll(training);
        return shown;
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
    private Dataset<Row> augmentedFeatures(Plan plan) {
        return computedOnce(Storage.child(plan.work(), "features-augmented"),
                () -> augmentedVariants(plan.dataset(), plan.settings()), plan.backbone()::graph,
                FeaturizeStage.FEATURES, plan.model(), plan.dataset().imageSize());
    }

    /** {@code augment.copies} augmented variants of every training image: (path, label, split, sha256, pixels). */
    private Dataset<Row> augmentedVariants(PreparedDataset dataset, TrainSettings settings) {
        Dataset<Row> train = images(dataset).where(col(PreparedColumns.SPLIT).equalTo(Split.TRAIN.code()));
        return spark.createDataFrame(train.javaRDD().flatMap(new TrainingData.AugmentedCopies(settings.augmentation(),
                settings.augmentCopies(), dataset.imageSize(), settings.seed())), train.schema());
    }

    /** (path, label, split, sha256, pixels) of every image of a prepared dataset. */
    private Dataset<Row> images(PreparedDataset dataset) {
        return dataset.images(spark).select(PreparedColumns.PATH, PreparedColumns.LABEL, PreparedColumns.SPLIT,
                PreparedColumns.SHA256, PreparedColumns.PIXELS);
    }

    /**
     * {@code network} run once over {@code images} (pixels last), its output in {@code column}, written to
     * {@code dir}; a complete earlier result (its _SUCCESS) is read instead, so a resumed run does not compute it
     * again.
     */
    private Dataset<Row> computedOnce(URI dir, Supplier<Dataset<Row>> images, Supplier<ComputationGraph> network,
                                      String column, ModelSettings model, int imageSize) {
        String path = Storage.sparkPath(dir);
        if (!Storage.exists(Storage.child(dir, "_SUCCESS"), hadoop)) {
            Storage.delete(dir, hadoop);
            long start = System.nanoTime();
            try (SparkInference inference = new SparkInference(spark, network.get(), model.engine(), imageSize,
                    model.inferenceThreads())) {
                FeaturizeStage.writer(inference.apply(images.get(), column, model.inferenceBatch(), 0)).parquet(path);
            }
            LOG.info("computed {} of {} images once, in {} s", column, spark.read().parquet(path).count(),
                    String.format("%.1f", (System.nanoTime() - start) / 1e9));
        }
        return spark.read().parquet(path);
    }

    /** What one training stage (the head or whole network, or fine-tuning) gave. */
    private record Fit(ComputationGraph best, List<EpochMetrics> epochs, int bestEpoch, double bestValLoss,
                       boolean stoppedEarly) {
        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("epochs", epochs.stream().map(EpochMetrics::toMap).toList());
            m.put("best_epoch", bestEpoch);
            m.put("stopped_early", stoppedEarly);
            return m;
        }
    }

    /**
     * Trains with parameter averaging, one epoch per pass over {@code train}, for at most {@code maxEpochs}; after
     * each epoch the validation loss decides whether the network is the best so far (it must beat
     * {@code valLossToBeat}); {@code patience} epochs without a better one stop it. With {@code resume}, continues
     * from the checkpoint instead of {@code start}.
     *
     * @return the best network, null when no epoch beat {@code valLossToBeat}
     */
    private Fit fit(Checkpoints checkpoints, String mode, String stage, TrainSettings settings, int maxEpochs,
                    JavaRDD<DataSet> train, DriverValidation val, Supplier<ComputationGraph> start,
                    double valLossToBeat, URI work) {
        FitStart from = resumeOrStart(checkpoints, stage, settings.resume(), start, valLossToBeat);
        ComputationGraph network = from.network();
        List<EpochMetrics> epochs = new ArrayList<>(from.epochs());
        int bestEpoch = from.bestEpoch();
        double bestValLoss = from.bestValLoss();
        boolean stoppedEarly = false;
        try (ParameterAveragingTrainer trainer = new ParameterAveragingTrainer(
                JavaSparkContext.fromSparkContext(spark.sparkContext()), network, settings,
                Storage.child(work, "export"), hadoop)) {
            for (int epoch = epochs.size() + 1; epoch <= maxEpochs; epoch++) {
                if (settings.patience() > 0 && epoch - 1 - bestEpoch >= settings.patience()) {
                    stoppedEarly = true;
                    LOG.info("stopping {}early: no lower validation loss for {} epochs (best: epoch {})", stage,
                            settings.patience(), bestEpoch);
                    break;
                }
                long t = System.nanoTime();
                double trainLoss = trainer.fitEpoch(train);
                DriverValidation.Result v = val.evaluate(trainer.network());
                EpochMetrics m = new EpochMetrics(epoch, trainLoss, v.loss(), v.accuracy(), (System.nanoTime() - t) / 1e9);
                epochs.add(m);
                boolean best = v.loss() < bestValLoss;
                if (best) {
                    bestValLoss = v.loss();
                    bestEpoch = epoch;
                }
                checkpoints.save(trainer.network(), new Checkpoints.State(mode, epochs, bestEpoch, bestValLoss), best);
                LOG.info("{}epoch {}/{}: train loss {}, val loss {}, val accuracy {} ({} s){}", stage, epoch, maxEpochs,
                        String.format("%.4f", trainLoss), String.format("%.4f", v.loss()),
                        String.format("%.4f", v.accuracy()), String.format("%.1f", m.seconds()),
                        best ? "  best so far" : "");
            }
        } finally {
            train.unpersist();
        }
        return new Fit(bestEpoch > 0 ? checkpoints.best() : null, epochs, bestEpoch, bestValLoss, stoppedEarly);
    }

    /** Where a fit starts: the network, the epochs run so far and the best of them (epoch 0: none yet). */
    private record FitStart(ComputationGraph network, List<EpochMetrics> epochs, int bestEpoch, double bestValLoss) {
    }

    /**
     * With {@code resume} and a checkpoint: the last checkpointed network, its epochs and best so far; else
     * {@code start}'s network, no epoch, and {@code valLossToBeat} to beat.
     */
    private static FitStart resumeOrStart(Checkpoints checkpoints, String stage, boolean resume,
                                          Supplier<ComputationGraph> start, double valLossToBeat) {
        Checkpoints.State state = resume ? checkpoints.state() : null;
        if (state == null) {
            return new FitStart(start.get(), List.of(), 0, valLossToBeat);
        }
        LOG.info("resuming {}after epoch {} (best so far: epoch {}, val loss {})", stage, state.epochs().size(),
                state.bestEpoch(), String.format("%.4f", state.bestValLoss()));
        return new FitStart(checkpoints.last(), state.epochs(), state.bestEpoch(), state.bestValLoss());
    }

    /** What fine-tuning gave: its epochs, and the whole classifier with its best weights (null: none beat the head). */
    private record FineTuned(Fit fit, ComputationGraph classifier, String frozenOutput, double startValLoss) {
        boolean kept() {
            return classifier != null;
        }

        Map<String, Object> toMap(TrainSettings.FineTune settings) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("blocks", settings.blocks());
            m.put("trained_from", frozenOutput + " (exclusive)");
            m.put("batch_norm", "inference mode, ImageNet statistics");
            m.put("learning_rate", settings.learningRate());
            m.put("max_epochs", settings.epochs());
            m.put("epochs_run", fit.epochs().size());
            m.put("best_epoch", fit.bestEpoch());
            m.put("head_val_loss", startValLoss);
            m.put("best_val_loss", fit.bestValLoss());
            m.put("kept", kept());
            return m;
        }
    }

    /**
     * Fine-tuning: the activations below the trained blocks computed once over the training (with its augmented
     * copies) and validation images, then the trained blocks and {@code trainedHead} trained on them, best epoch
     * by validation loss against the head's own.
     */
    private FineTuned fineTune(Plan plan, ComputationGraph trainedHead) {
        PreparedDataset dataset = plan.dataset();
        TrainSettings settings = plan.settings();
        TrainSettings.FineTune fineTune = settings.fineTune();
        FineTuning fineTuning = new FineTuning(plan.backbone(), fineTune.blocks());
        String column = "activations";
        URI dir = Storage.child(plan.work(), "activations-" + fineTune.blocks());
        Dataset<Row> table = computedOnce(dir, () -> images(dataset).where(col(PreparedColumns.SPLIT)
                .notEqual(Split.TEST.code())), fineTuning::frozenPart, column, plan.model(), dataset.imageSize());
        Dataset<Row> trainTable = settings.augmentCopies() == 0 ? table : table.unionByName(computedOnce(
                Storage.child(plan.work(), "activations-augmented-" + fineTune.blocks()),
                () -> augmentedVariants(dataset, settings), fineTuning::frozenPart, column, plan.model(),
                dataset.imageSize()));
        TrainingData.FromFeatures toDataSet = new TrainingData.FromFeatures(dataset.classes(),
                fineTuning.activationShape());
        JavaRDD<DataSet> train = examples(trainTable, column, toDataSet, settings, true);
        DriverValidation val = new DriverValidation(rows(table, Split.VAL, column), toDataSet);
        Classifier.HeadSpec spec = plan.headSpec(fineTune.learningRate());
        ComputationGraph start = fineTuning.trainedPart(spec, trainedHead);
        double startValLoss = val.evaluate(start).loss();
        LOG.info("fine-tuning the top {} blocks (above {}, activations {}) at learning rate {}: the head's val loss {}",
                fineTune.blocks(), fineTuning.frozenOutput(), java.util.Arrays.toString(fineTuning.activationShape()),
                fineTune.learningRate(), String.format("%.4f", startValLoss));
        Fit fit = fit(new Checkpoints(settings.output(), "checkpoints/fine-tune", hadoop), "FINE_TUNE", "fine-tuning ",
                settings, fineTune.epochs(), train, val, () -> start, startValLoss, plan.work());
        if (fit.bestEpoch() == 0) {
            LOG.info("fine-tuning did not lower the validation loss: keeping the head alone");
        }
        return new FineTuned(fit, fit.best() == null ? null : fineTuning.assemble(spec, fit.best()),
                fineTuning.frozenOutput(), startValLoss);
    }

    /** A split's (label, input) rows on the driver, in a stable order. */
    private static List<Row> rows(Dataset<Row> table, Split split, String inputColumn) {
        return table.where(col(PreparedColumns.SPLIT).equalTo(split.code())).orderBy(PreparedColumns.PATH)
                .select(PreparedColumns.LABEL, inputColumn).collectAsList();
    }

    /** metrics.json, report.html (with {@code settings} and the misclassified test images) and the PNG plots. */
    private void writeReport(URI dir, Fit head, Fit fineTune, Metrics test, Map<String, Object> settings,
                             Misclassified misclassified) {
        Map<String, Object> report = new LinkedHashMap<>(head.toMap());
        if (fineTune != null) {
            report.put("fine_tune", fineTune.toMap());
        }
        report.put("test", test.toMap());
        EvaluateStage.writeReport(dir, test, report, hadoop);
        ClassificationReport.write(dir, "Training run: model " + settings.get("model_version"), settings, report, test,
                misclassified, hadoop);
        List<Plots.Chart> curves = Plots.trainingCurves(report); // report.html's charts, as PNGs: loss, accuracy
        List<String> files = List.of("loss.png", "accuracy.png");
        for (int i = 0; i < curves.size(); i++) {
            Storage.writeBytes(Storage.child(dir, files.get(i)), curves.get(i).png(), hadoop);
        }
    }

}
