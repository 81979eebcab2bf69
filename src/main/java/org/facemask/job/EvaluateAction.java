package org.facemask.job;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.facemask.config.EvaluateSettings;
import org.facemask.config.FacesSettings;
import org.facemask.config.ImageSettings;
import org.facemask.config.ModelSettings;
import org.facemask.config.PipelineConfig;
import org.facemask.detect.DetectorModel;
import org.facemask.evaluate.EvaluateStage;
import org.facemask.evaluate.EvaluationReport;
import org.facemask.evaluate.FaceEvaluation;
import org.facemask.evaluate.FaceEvaluationReport;
import org.facemask.evaluate.FaceMetrics;
import org.facemask.evaluate.FacePlots;
import org.facemask.evaluate.Metrics;
import org.facemask.image.ImageDecoder;
import org.facemask.inference.SparkInference;
import org.facemask.model.ModelDirectory;
import org.facemask.prepare.ImageFolder;
import org.facemask.prepare.PreparedColumns;
import org.facemask.prepare.PreparedDataset;
import org.facemask.prepare.VocFolder;
import org.facemask.report.ClassificationReport;
import org.facemask.report.FaceReport;
import org.facemask.report.Misclassified;
import org.facemask.storage.Location;
import org.facemask.storage.OutputLocation;
import org.facemask.storage.Storage;

import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;

/**
 * {@code evaluate}: a trained model against a prepared dataset's test split, against a raw folder-per-class
 * tree decoded exactly as prepare decodes, or against photos of several people with Pascal VOC annotations (every
 * face detected, classified and matched). Files that cannot be decoded are counted and listed, not fatal.
 *
 * @param prepared the dataset under evaluate.input, or null for a folder per class or annotated photos
 * @param faces    the detector's settings when evaluate.input holds annotated photos, else null
 */
record EvaluateAction(PipelineConfig config, ModelDirectory directory, OutputLocation output, PreparedDataset prepared,
                      FacesSettings faces) implements Action<EvaluateAction.Result> {
    /** What an evaluation wrote into evaluate.output: metrics.json's content, typed. */
    sealed interface Result extends Action.Result {
        URI output();
    }

    /** Labelled images (a prepared split or a folder per class) through the classifier. */
    record ImagesResult(EvaluationReport report, URI output) implements Result {
        @Override
        public void print(PrintStream out) {
            out.printf("accuracy %.4f on %d images (%d undecodable); report: %s%n", report.accuracy(),
                    report.images(), report.undecodable().count(), output);
        }
    }

    /** Photos with annotated faces through the detector and the classifier. */
    record FacesResult(FaceEvaluationReport report, List<String> classes, URI output) implements Result {
        @Override
        public void print(PrintStream out) {
            FaceEvaluationReport.EndToEnd endToEnd = report.endToEnd();
            FaceEvaluationReport.FacesOfSize large = report.largeFaces();
            FaceEvaluationReport.BoxesOfSize boxes = report.largeBoxes();
            out.printf("faces: %s of %s annotated %s faces found and correctly classified (%.4f); of %d px and more: "
                            + "%s of %s found (%.4f), %s found and correctly classified (%.4f), box precision %.4f "
                            + "(%s of %s boxes); report: %s%n",
                    endToEnd.foundAndCorrect(), endToEnd.faces(), String.join("/", classes), endToEnd.share(),
                    FaceMetrics.LARGE_FACE, large.foundIou50(), large.faces(), large.recallIou50(),
                    large.foundAndCorrect(), large.share(), boxes.precisionIou50(), boxes.matchedIou50(), boxes.boxes(),
                    output);
        }
    }

    /** A trained model, a readable input (prepared, folders or annotated photos), an output apart from both. */
    static EvaluateAction check(PipelineConfig config) {
        EvaluateSettings settings = config.evaluate();
        Configuration hadoop = Storage.hadoopConf(config.spark().conf());
        ModelDirectory directory = ModelDirectory.open("evaluate.model", settings.model(), hadoop);
        int size = directory.metadata().imageSize();
        StorageChecks.requireFolder("evaluate.input", settings.input(), hadoop);
        if (VocFolder.isVocFolder(settings.input(), hadoop)) {
            FacesSettings faces = StorageChecks.requireDetectorFiles(config.faces(), hadoop);
            return new EvaluateAction(config, directory,
                    checkedOutput(settings, StorageChecks.detectorFiles(faces), hadoop), null, faces);
        }
        OutputLocation output = checkedOutput(settings, List.of(), hadoop);
        PreparedDataset dataset = null;
        if (Storage.exists(Storage.child(settings.input(), PreparedColumns.SUMMARY_FILE), hadoop)) {
            dataset = PreparedDataset.open("evaluate.input", settings.input(), hadoop);
            dataset.requireImageSize(size);
        }
        return new EvaluateAction(config, directory, output, dataset, null);
    }

    @Override
    public Result execute(SparkSession spark) {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        return output.writeWith(hadoop,
                () -> faces != null ? evaluateFaces(spark, hadoop) : evaluateImages(spark, hadoop));
    }

    private ImagesResult evaluateImages(SparkSession spark, Configuration hadoop) {
        EvaluateSettings settings = config.evaluate();
        ModelSettings model = config.model();
        int size = directory.metadata().imageSize();
        Dataset<Row> images;
        List<EvaluationReport.Undecodable.File> undecodable = new ArrayList<>();
        if (prepared != null) {
            images = prepared.images(spark);
            if (settings.split() != EvaluateSettings.EvaluatedSplit.ALL) {
                images = images.where(col(PreparedColumns.SPLIT).equalTo(settings.split().code()));
            }
            images = images.select(PreparedColumns.PATH, PreparedColumns.LABEL, PreparedColumns.PIXELS);
        } else {
            // the model decides the pixels it was trained on; image.max-pixels still guards decoding
            images = decodeFolder(spark, config.image().withSize(size), undecodable);
        }
        List<String> classes = directory.metadata().classes();
        EvaluateStage.Predictions p;
        try (SparkInference inference = SparkInference.of(spark, directory, model)) {
            p = new EvaluateStage(spark).predict(images, inference, classes, model.inferenceBatch());
        }
        Metrics metrics = Metrics.compute(classes, p.truth(), p.probabilities());
        EvaluationReport report = EvaluationReport.of(metrics, p.unknownLabel(),
                EvaluationReport.Undecodable.of(undecodable), directory.metadata().version(),
                settings.input().toString(), prepared != null
                        ? "prepared dataset, " + settings.split().code() + (settings.split() == EvaluateSettings.EvaluatedSplit.ALL ? " splits" : " split")
                        : "folder per class");
        report.write(settings.output(), metrics, hadoop);
        Map<String, Object> shown = new LinkedHashMap<>();
        shown.put("unknown_label", report.unknownLabel());
        shown.put("model_version", report.modelVersion());
        shown.put("input", report.input());
        shown.put("input_kind", report.inputKind());
        shown.put("undecodable", report.undecodable().count());
        ClassificationReport.write(settings.output(), "Evaluation: " + settings.input(), shown, report.toMap(), metrics,
                Misclassified.of(p, classes, images, size), hadoop);
        return new ImagesResult(report, settings.output());
    }

    /** evaluate.input holds images/ and Pascal VOC annotations/: every face found, classified and matched. */
    private FacesResult evaluateFaces(SparkSession spark, Configuration hadoop) {
        EvaluateSettings settings = config.evaluate();
        ModelSettings model = config.model();
        List<String> classes = directory.metadata().classes();
        DetectorModel detector = DetectorModel.load(faces, hadoop);
        FaceEvaluation.Result result;
        try (SparkInference classifier = SparkInference.of(spark, directory, model)) {
            result = FaceEvaluation.run(spark, settings.input(), detector, classifier,
                    config.image().withSize(directory.metadata().imageSize()), classes, model.inferenceBatch());
        }
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("detector", detector.describe());
        block.put("settings", Map.of("confidence", faces.confidence(), "nms_iou", faces.nmsIou(),
                "min_size", faces.minSize(), "margin", faces.margin(), "detect_sides", faces.detectSides(), "box_adjust", faces.boxAdjust(),
                "flip", faces.flip(), "fusion", faces.fusion().name().toLowerCase(java.util.Locale.ROOT),
                "verify_side", faces.verifySide(), "verify_min_size", faces.verifyMinSize()));
        block.putAll(FaceMetrics.compute(classes, result.photos()));
        block.put("seconds", result.seconds());
        FaceEvaluationReport report = new FaceEvaluationReport(block, result.problems(),
                directory.metadata().version(), settings.input().toString(), FaceEvaluationReport.INPUT_KIND);
        report.write(settings.output(), hadoop);
        byte[] photos = FacePlots.examples(examples(result.photos(), config.image(), hadoop), classes);
        Storage.writeBytes(Storage.child(settings.output(), "faces.png"), photos, hadoop);
        FaceReport.write(settings.output(), classes, report.toMap(), photos, hadoop);
        return new FacesResult(report, classes, settings.output());
    }

    /** evaluate.output apart from evaluate.input, evaluate.model and {@code more}; new or replaceable. */
    static OutputLocation checkedOutput(EvaluateSettings settings, List<Location> more, Configuration hadoop) {
        List<Location> apartFrom = new ArrayList<>(List.of(new Location("evaluate.input", settings.input()),
                new Location("evaluate.model", settings.model())));
        apartFrom.addAll(more);
        return OutputLocation.checked(OutputLocation.Writer.EVALUATE, settings.output(), settings.overwrite(),
                apartFrom, hadoop);
    }

    /** Four photos with several annotated faces, decoded again on the driver for the picture. */
    private static List<FacePlots.Example> examples(List<FaceMetrics.Photo> photos, ImageSettings image, Configuration hadoop) {
        ImageDecoder decoder = new ImageDecoder(image);
        return photos.stream().filter(p -> !p.undecodable() && p.truth().size() >= 3)
                .sorted(Comparator.comparing(FaceMetrics.Photo::path)).limit(4)
                .map(p -> new FacePlots.Example(decoder.decode(Storage.readBytes(new Path(p.path()).toUri(), hadoop)).image(), p))
                .toList();
    }

    /** evaluate.input as a folder per class, decoded as prepare decodes; what cannot be decoded goes to {@code undecodable}. */
    private Dataset<Row> decodeFolder(SparkSession spark, ImageSettings image,
                                      List<EvaluationReport.Undecodable.File> undecodable) {
        EvaluateSettings settings = config.evaluate();
        ImageFolder folder = ImageFolder.read(spark, settings.input(), image, 8, 0);
        Dataset<Row> decoded = folder.decoded().cache();
        decoded.where(col(PreparedColumns.REASON).isNotNull()).select(PreparedColumns.PATH, PreparedColumns.REASON,
                        PreparedColumns.DETAIL).collectAsList()
                .forEach(r -> undecodable.add(new EvaluationReport.Undecodable.File(r.getString(0), r.getString(1),
                        String.valueOf(r.getString(2)))));
        folder.listing().rejects().forEach(f -> undecodable.add(new EvaluationReport.Undecodable.File(f.path(),
                f.rejection().code(), f.detail())));
        return decoded.where(col(PreparedColumns.REASON).isNull())
                .select(PreparedColumns.PATH, PreparedColumns.LABEL, PreparedColumns.PIXELS);
    }
}
