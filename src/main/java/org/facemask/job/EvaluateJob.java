package org.facemask.job;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.facemask.config.EvaluateSettings;
import org.facemask.config.ImageSettings;
import org.facemask.config.ModelSettings;
import org.facemask.config.PipelineConfig;
import org.facemask.config.FacesSettings;
import org.facemask.detect.DetectorModel;
import org.facemask.evaluate.EvaluateStage;
import org.facemask.evaluate.FaceEvaluation;
import org.facemask.evaluate.FaceMetrics;
import org.facemask.evaluate.FacePlots;
import org.facemask.image.ImageDecoder;
import org.facemask.inference.SparkInference;
import org.facemask.storage.Json;
import org.facemask.evaluate.Metrics;
import org.facemask.model.ModelDirectory;
import org.facemask.prepare.ImageFolder;
import org.facemask.prepare.PreparedColumns;
import org.facemask.prepare.VocFolder;
import org.facemask.report.ClassificationReport;
import org.facemask.report.FaceReport;
import org.facemask.report.Misclassified;
import org.facemask.prepare.PreparedDataset;
import org.facemask.storage.Location;
import org.facemask.storage.OutputLocation;
import org.facemask.storage.Storage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;

/**
 * {@code evaluate}: a trained model against a prepared dataset's test split, against a raw folder-per-class
 * tree decoded exactly as prepare decodes, or against photos of several people with Pascal VOC annotations (every
 * face detected, classified and matched). Files that cannot be decoded are counted and listed, not fatal.
 */
final class EvaluateJob implements Job {
    @Override
    public String name() {
        return "evaluate";
    }

    @Override
    public String description() {
        return "metrics and plots of a trained model on a prepared test split, a folder-per-class tree, or photos with VOC face boxes";
    }

    @Override
    public Run plan(PipelineConfig config) {
        ModelSettings model = config.model();
        EvaluateSettings settings = config.evaluate();
        Configuration hadoop = Storage.hadoopConf(config.spark().conf());
        ModelDirectory directory = ModelDirectory.open("evaluate.model", settings.model(), hadoop);
        int size = directory.metadata().imageSize();
        // the model decides the pixels it was trained on; image.max-pixels still guards decoding
        ImageSettings image = config.image().withSize(size);
        StorageChecks.requireFolder("evaluate.input", settings.input(), hadoop);
        if (VocFolder.isVocFolder(settings.input(), hadoop)) {
            return planFaces(config, directory, hadoop);
        }
        OutputLocation output = checkedOutput(settings, List.of(), hadoop);
        boolean prepared = Storage.exists(Storage.child(settings.input(), PreparedColumns.SUMMARY_FILE), hadoop);
        PreparedDataset dataset = null;
        if (prepared) {
            dataset = PreparedDataset.open("evaluate.input", settings.input(), hadoop);
            dataset.requireImageSize(size);
        }
        PreparedDataset preparedDataset = dataset;
        return spark -> {
            Configuration sparkHadoop = spark.sparkContext().hadoopConfiguration();
            output.replace(sparkHadoop);
            ComputationGraph network = directory.loadNetwork(sparkHadoop);
            Map<String, Object> report = new LinkedHashMap<>();
            Dataset<Row> images;
            List<Map<String, String>> undecodable = new ArrayList<>();
            if (preparedDataset != null) {
                images = preparedDataset.images(spark);
                if (settings.split() != EvaluateSettings.EvaluatedSplit.ALL) {
                    images = images.where(col(PreparedColumns.SPLIT).equalTo(settings.split().code()));
                }
                images = images.select(PreparedColumns.PATH, PreparedColumns.LABEL, PreparedColumns.PIXELS);
            } else {
                images = decodeFolder(spark, settings, image, undecodable);
            }
            List<String> classes = directory.metadata().classes();
            EvaluateStage.Predictions p = new EvaluateStage(spark).predict(images, network, classes, model.engine(),
                    model.inferenceThreads(), size, model.inferenceBatch());
            Metrics metrics = Metrics.compute(classes, p.truth(), p.probabilities());
            report.putAll(metrics.toMap());
            report.put("unknown_label", p.unknownLabel());
            report.put("undecodable", Map.of("count", undecodable.size(), "files", undecodable));
            report.put("model_version", directory.metadata().version());
            report.put("input", settings.input().toString());
            report.put("input_kind", preparedDataset != null
                    ? "prepared dataset, " + settings.split().code() + (settings.split() == EvaluateSettings.EvaluatedSplit.ALL ? " splits" : " split") : "folder per class");
            EvaluateStage.writeReport(settings.output(), metrics, report, sparkHadoop);
            Map<String, Object> shown = new LinkedHashMap<>(report);
            shown.keySet().retainAll(List.of("model_version", "input", "input_kind", "unknown_label"));
            shown.put("undecodable", undecodable.size());
            ClassificationReport.write(settings.output(), "Evaluation: " + settings.input(), shown, report, metrics,
                    Misclassified.of(p, classes, images, size), sparkHadoop);
            System.out.printf("accuracy %.4f on %d images (%d undecodable); report: %s%n", metrics.accuracy(),
                    metrics.images(), undecodable.size(), settings.output());
        };
    }

    /** evaluate.input holds images/ and Pascal VOC annotations/: every face found, classified and matched. */
    private static Run planFaces(PipelineConfig config, ModelDirectory directory, Configuration hadoop) {
        EvaluateSettings settings = config.evaluate();
        ModelSettings model = config.model();
        FacesSettings faces = StorageChecks.requireDetectorFiles(config.faces(), hadoop);
        OutputLocation output = checkedOutput(settings, StorageChecks.detectorFiles(faces), hadoop);
        return spark -> {
            Configuration sparkHadoop = spark.sparkContext().hadoopConfiguration();
            output.replace(sparkHadoop);
            List<String> classes = directory.metadata().classes();
            DetectorModel detector = DetectorModel.load(faces, sparkHadoop);
            FaceEvaluation.Result result;
            try (SparkInference classifier = new SparkInference(spark, directory.loadNetwork(sparkHadoop), model.engine(),
                    directory.metadata().imageSize(), model.inferenceThreads())) {
                result = FaceEvaluation.run(spark, settings.input(), detector, classifier,
                        config.image().withSize(directory.metadata().imageSize()), classes, model.inferenceBatch());
            }
            Map<String, Object> block = new LinkedHashMap<>();
            block.put("detector", detector.describe());
            block.put("settings", Map.of("confidence", faces.confidence(), "nms_iou", faces.nmsIou(),
                    "min_size", faces.minSize(), "margin", faces.margin(), "detect_sides", faces.detectSides(), "box_adjust", faces.boxAdjust()));
            block.putAll(FaceMetrics.compute(classes, result.photos()));
            block.put("seconds", result.seconds());
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("faces", block);
            report.put("left_out", result.problems());
            report.put("model_version", directory.metadata().version());
            report.put("input", settings.input().toString());
            report.put("input_kind", "photos with Pascal VOC annotations");
            Json.writeFile(Storage.child(settings.output(), EvaluateStage.METRICS_FILE), report, sparkHadoop);
            byte[] photos = FacePlots.examples(examples(result.photos(), config.image(), sparkHadoop), classes);
            Storage.writeBytes(Storage.child(settings.output(), "faces.png"), photos, sparkHadoop);
            FaceReport.write(settings.output(), classes, report, photos, sparkHadoop);
            @SuppressWarnings("unchecked")
            Map<String, Object> endToEnd = (Map<String, Object>) block.get("end_to_end");
            System.out.printf("faces: %s of %s annotated %s faces found and correctly classified (%.4f); report: %s%n",
                    endToEnd.get("found_and_correct"), endToEnd.get("faces"), String.join("/", classes),
                    (double) endToEnd.get("share"), settings.output());
        };
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
                .sorted(java.util.Comparator.comparing(FaceMetrics.Photo::path)).limit(4)
                .map(p -> new FacePlots.Example(decoder.decode(Storage.readBytes(
                        new org.apache.hadoop.fs.Path(p.path()).toUri(), hadoop)).image(), p))
                .toList();
    }

    private static Dataset<Row> decodeFolder(SparkSession spark, EvaluateSettings settings, ImageSettings image,
                                             List<Map<String, String>> undecodable) {
        ImageFolder folder = ImageFolder.read(spark, settings.input(), image, 8, 0);
        Dataset<Row> decoded = folder.decoded().cache();
        decoded.where(col(PreparedColumns.REASON).isNotNull()).select(PreparedColumns.PATH, PreparedColumns.REASON,
                        PreparedColumns.DETAIL).collectAsList()
                .forEach(r -> undecodable.add(Map.of("path", r.getString(0), "reason", r.getString(1),
                        "detail", String.valueOf(r.getString(2)))));
        folder.listing().rejects().forEach(f -> undecodable.add(Map.of("path", f.path(),
                "reason", f.rejection().code(), "detail", f.detail())));
        return decoded.where(col(PreparedColumns.REASON).isNull())
                .select(PreparedColumns.PATH, PreparedColumns.LABEL, PreparedColumns.PIXELS);
    }
}
