package org.facemask.job;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.facemask.config.ImageSettings;
import org.facemask.config.ModelSettings;
import org.facemask.config.PipelineConfig;
import org.facemask.config.TrainSettings;
import org.facemask.model.Backbone;
import org.facemask.model.BaseWeightsSource;
import org.facemask.storage.Location;
import org.facemask.storage.OutputLocation;
import org.facemask.storage.Storage;
import org.facemask.train.TrainStage;

import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** {@code train}: a prepared dataset to a model directory. */
record TrainAction(TrainSettings settings, ImageSettings image, ModelSettings model, PreparedInput input,
                   OutputLocation output) implements Action<TrainAction.Result> {
    /**
     * @param training the model, its test metrics, the best epoch and every epoch's metrics
     * @param output   the model directory (train.output)
     */
    record Result(TrainStage.Result training, URI output) implements Action.Result {
        @Override
        public void print(PrintStream out) {
            out.printf("model: %s%nreport: %s (metrics.json, loss.png, accuracy.png, confusion_matrix.png, roc.png)%n"
                            + "test accuracy: %.4f on %d images%n", Storage.child(output, "model.zip"), output,
                    training.test().accuracy(), training.test().images());
        }
    }

    /** A prepared dataset at image.size, the base's weights, an output apart from both. */
    static TrainAction check(PipelineConfig config) {
        TrainSettings settings = config.train();
        Configuration hadoop = Storage.hadoopConf(config.spark().conf());
        PreparedInput input = PreparedInput.check("train.input", settings.input(), config, hadoop);
        OutputLocation output = checkedOutput(settings, input.weights(), List.of(), hadoop);
        return new TrainAction(settings, config.image(), config.model(), input, output);
    }

    @Override
    public Result execute(SparkSession spark) {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        return output.writeWith(hadoop, () -> {
            Backbone backbone = Backbone.create(model, image.size(), input.weights(), settings.seed(), hadoop);
            return new Result(new TrainStage(spark).run(input.dataset(), backbone, model, settings), settings.output());
        });
    }

    /**
     * train.output apart from train.input, the base weights and {@code more}; a new or replaceable output, or with
     * train.resume the output whose checkpoints the run continues.
     */
    static OutputLocation checkedOutput(TrainSettings settings, BaseWeightsSource weights, List<Location> more,
                                        Configuration hadoop) {
        List<Location> apartFrom = new ArrayList<>(List.of(new Location("train.input", settings.input()),
                new Location("model.base.weights", weights.file())));
        apartFrom.addAll(more);
        return settings.resume()
                ? OutputLocation.continued(OutputLocation.Writer.TRAIN, settings.output(), apartFrom, hadoop)
                : OutputLocation.checked(OutputLocation.Writer.TRAIN, settings.output(), settings.overwrite(), apartFrom, hadoop);
    }
}
