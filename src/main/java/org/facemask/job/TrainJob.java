package org.facemask.job;

import org.apache.hadoop.conf.Configuration;
import org.facemask.config.ImageSettings;
import org.facemask.config.ModelSettings;
import org.facemask.config.PipelineConfig;
import org.facemask.config.TrainSettings;
import org.facemask.model.Backbone;
import org.facemask.model.BaseWeightsSource;
import org.facemask.prepare.PreparedDataset;
import org.facemask.storage.Storage;
import org.facemask.train.TrainStage;

/** {@code train}: a prepared dataset to a model directory. */
final class TrainJob implements Job {
    @Override
    public String name() {
        return "train";
    }

    @Override
    public String description() {
        return "train the frozen-base MobileNetV2 classifier with Spark parameter averaging; test-split metrics";
    }

    @Override
    public Run plan(PipelineConfig config) {
        ImageSettings image = config.image();
        ModelSettings model = config.model();
        TrainSettings settings = config.train();
        Configuration hadoop = Storage.hadoopConf(config.spark().conf());
        PreparedDataset dataset = PreparedDataset.open("train.input", settings.input(), hadoop);
        dataset.requireImageSize(image.size());
        if (!settings.resume()) {
            StorageChecks.requireNewOutput("train.output", settings.output(), settings.overwrite(), "train.overwrite", hadoop);
        }
        StorageChecks.requireApart("train.input", settings.input(), "train.output", settings.output());
        BaseWeightsSource weights = BaseWeightsSource.resolve(model, image.size(), hadoop);
        return spark -> {
            Configuration sparkHadoop = spark.sparkContext().hadoopConfiguration();
            if (!settings.resume()) {
                Storage.clearOutput(settings.output(), settings.overwrite(), sparkHadoop);
            }
            Backbone backbone = Backbone.create(model, image.size(), weights, settings.seed(), sparkHadoop);
            TrainStage.Result result = new TrainStage(spark).run(dataset, backbone, model, settings);
            System.out.printf("model: %s%nreport: %s (metrics.json, loss.png, accuracy.png, confusion_matrix.png, roc.png)%n"
                            + "test accuracy: %.4f on %d images%n", Storage.child(settings.output(), "model.zip"),
                    settings.output(), result.test().accuracy(), result.test().images());
        };
    }
}
