package org.facemask.job;

import org.apache.hadoop.conf.Configuration;
import org.facemask.config.ImageSettings;
import org.facemask.config.ModelSettings;
import org.facemask.config.PipelineConfig;
import org.facemask.config.TrainSettings;
import org.facemask.model.Backbone;
import org.facemask.model.BaseWeightsSource;
import org.facemask.prepare.PreparedDataset;
import org.facemask.storage.Location;
import org.facemask.storage.OutputLocation;
import org.facemask.storage.Storage;
import org.facemask.train.TrainStage;

import java.util.List;

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
        BaseWeightsSource weights = BaseWeightsSource.resolve(model, image.size(), hadoop);
        OutputLocation output = checkedOutput(settings, weights, List.of(), hadoop);
        return spark -> {
            Configuration sparkHadoop = spark.sparkContext().hadoopConfiguration();
            if (output != null) {
                output.replace(sparkHadoop);
            }
            Backbone backbone = Backbone.create(model, image.size(), weights, settings.seed(), sparkHadoop);
            TrainStage.Result result = new TrainStage(spark).run(dataset, backbone, model, settings);
            System.out.printf("model: %s%nreport: %s (metrics.json, loss.png, accuracy.png, confusion_matrix.png, roc.png)%n"
                            + "test accuracy: %.4f on %d images%n", Storage.child(settings.output(), "model.zip"),
                    settings.output(), result.test().accuracy(), result.test().images());
        };
    }

    /**
     * train.output apart from train.input, the base weights and {@code more}; checked as a new or replaceable
     * output unless train.resume continues what is there.
     *
     * @return null with train.resume, where the output is continued, not replaced
     */
    static OutputLocation checkedOutput(TrainSettings settings, BaseWeightsSource weights, List<Location> more,
                                        Configuration hadoop) {
        List<Location> apartFrom = new java.util.ArrayList<>(List.of(new Location("train.input", settings.input()),
                new Location("model.base.weights", weights.file())));
        apartFrom.addAll(more);
        if (settings.resume()) {
            Location.requireApart(new Location("train.output", settings.output()), apartFrom, hadoop);
            return null;
        }
        return OutputLocation.checked(OutputLocation.Writer.TRAIN, settings.output(), settings.overwrite(), apartFrom, hadoop);
    }
}
