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
import org.facemask.evaluate.EvaluateStage;
import org.facemask.evaluate.Metrics;
import org.facemask.model.ModelDirectory;
import org.facemask.prepare.ImageFolder;
import org.facemask.prepare.PreparedColumns;
import org.facemask.prepare.PreparedDataset;
import org.facemask.prepare.Split;
import org.facemask.storage.Storage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;

/**
 * {@code evaluate}: a trained model against a prepared dataset's test split, or against a raw folder-per-class
 * tree decoded exactly as prepare decodes. Files that cannot be decoded are counted and listed, not fatal.
 */
final class EvaluateJob implements Job {
    @Override
    public String name() {
        return "evaluate";
    }

    @Override
    public String description() {
        return "metrics and plots of a trained model on a prepared test split or a folder-per-class tree";
    }

    @Override
    public Run plan(PipelineConfig config) {
        ModelSettings model = config.model();
        EvaluateSettings settings = config.evaluate();
        Configuration hadoop = Storage.hadoopConf(config.spark().conf());
        ModelDirectory directory = ModelDirectory.open("evaluate.model", settings.model(), hadoop);
        int size = directory.metadata().imageSize();
        // the model decides the pixels it was trained on; image.max-pixels still guards decoding
        ImageSettings image = new ImageSettings(size, config.image().maxPixels());
        boolean prepared = Storage.exists(Storage.child(settings.input(), PreparedColumns.SUMMARY_FILE), hadoop);
        PreparedDataset dataset = null;
        if (prepared) {
            dataset = PreparedDataset.open("evaluate.input", settings.input(), hadoop);
            dataset.requireImageSize(size);
        } else {
            StorageChecks.requireFolder("evaluate.input", settings.input(), hadoop);
        }
        StorageChecks.requireNewOutput("evaluate.output", settings.output(), settings.overwrite(), "evaluate.overwrite", hadoop);
        StorageChecks.requireApart("evaluate.input", settings.input(), "evaluate.output", settings.output());
        PreparedDataset preparedDataset = dataset;
        return spark -> {
            Configuration sparkHadoop = spark.sparkContext().hadoopConfiguration();
            Storage.clearOutput(settings.output(), settings.overwrite(), sparkHadoop);
            ComputationGraph network = directory.loadNetwork(sparkHadoop);
            Map<String, Object> report = new LinkedHashMap<>();
            Dataset<Row> images;
            List<Map<String, String>> undecodable = new ArrayList<>();
            if (preparedDataset != null) {
                images = preparedDataset.images(spark).where(col(PreparedColumns.SPLIT).equalTo(Split.TEST.code()))
                        .select(PreparedColumns.PATH, PreparedColumns.LABEL, PreparedColumns.PIXELS);
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
            report.put("input_kind", preparedDataset != null ? "prepared dataset, test split" : "folder per class");
            EvaluateStage.writeReport(settings.output(), metrics, report, sparkHadoop);
            System.out.printf("accuracy %.4f on %d images (%d undecodable); report: %s%n", metrics.accuracy(),
                    metrics.images(), undecodable.size(), settings.output());
        };
    }

    private static Dataset<Row> decodeFolder(SparkSession spark, EvaluateSettings settings, ImageSettings image,
                                             List<Map<String, String>> undecodable) {
        ImageFolder folder = ImageFolder.read(spark, settings.input(), image, 8, 0);
        Dataset<Row> decoded = folder.decoded().cache();
        decoded.where(col(PreparedColumns.REASON).isNotNull()).select(PreparedColumns.PATH, PreparedColumns.REASON,
                        PreparedColumns.DETAIL).collectAsList()
                .forEach(r -> undecodable.add(Map.of("path", r.getString(0), "reason", r.getString(1),
                        "detail", String.valueOf(r.getString(2)))));
        folder.listing().files().stream().filter(f -> f.label() == null)
                .forEach(f -> undecodable.add(Map.of("path", f.path(), "reason", "no_class_folder",
                        "detail", "file is directly in the input folder")));
        return decoded.where(col(PreparedColumns.REASON).isNull())
                .select(PreparedColumns.PATH, PreparedColumns.LABEL, PreparedColumns.PIXELS);
    }
}
