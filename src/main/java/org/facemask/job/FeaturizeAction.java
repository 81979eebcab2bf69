package org.facemask.job;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.facemask.config.FeaturizeSettings;
import org.facemask.config.ImageSettings;
import org.facemask.config.ModelSettings;
import org.facemask.config.PipelineConfig;
import org.facemask.featurize.FeaturizeMetadata;
import org.facemask.featurize.FeaturizeStage;
import org.facemask.model.Backbone;
import org.facemask.model.BaseWeightsSource;
import org.facemask.prepare.PreparedDataset;
import org.facemask.storage.Location;
import org.facemask.storage.OutputLocation;
import org.facemask.storage.Storage;

import java.io.PrintStream;
import java.net.URI;
import java.util.List;

/** {@code featurize}: the frozen MobileNetV2 base over a prepared dataset, one feature vector per image. */
final class FeaturizeAction implements Action<FeaturizeAction.Result> {
    /** @param metadata what featurize.json says (its {@code images}: the vectors written) */
    record Result(FeaturizeMetadata metadata, URI output) implements Action.Result {
        @Override
        public void print(PrintStream out) {
            // the count and rate are in the stage's log line and in featurize.json
        }
    }

    private final FeaturizeSettings settings;
    private final ImageSettings image;
    private final ModelSettings model;
    private final PreparedDataset dataset;
    private final BaseWeightsSource weights;
    private final OutputLocation output;

    private FeaturizeAction(FeaturizeSettings settings, ImageSettings image, ModelSettings model,
                            PreparedDataset dataset, BaseWeightsSource weights, OutputLocation output) {
        this.settings = settings;
        this.image = image;
        this.model = model;
        this.dataset = dataset;
        this.weights = weights;
        this.output = output;
    }

    /** A prepared dataset at image.size, the base's weights, an output apart from both. */
    static FeaturizeAction check(PipelineConfig config) {
        ImageSettings image = config.image();
        FeaturizeSettings settings = config.featurize();
        Configuration hadoop = Storage.hadoopConf(config.spark().conf());
        PreparedDataset dataset = PreparedDataset.open("featurize.input", settings.input(), hadoop);
        dataset.requireImageSize(image.size());
        BaseWeightsSource weights = BaseWeightsSource.resolve(config.model(), image.size(), hadoop);
        OutputLocation output = OutputLocation.checked(OutputLocation.Writer.FEATURIZE, settings.output(),
                settings.overwrite(), List.of(new Location("featurize.input", settings.input()),
                        new Location("model.base.weights", weights.file())), hadoop);
        return new FeaturizeAction(settings, image, config.model(), dataset, weights, output);
    }

    @Override
    public Result execute(SparkSession spark) {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        output.replace(hadoop);
        Backbone backbone = Backbone.create(model, image.size(), weights, 0, hadoop);
        long count = new FeaturizeStage(spark).run(dataset, backbone, model.engine(), model.inferenceThreads(),
                model.inferenceBatch(), settings.partitions(), settings.output());
        FeaturizeMetadata metadata = new FeaturizeMetadata(count, dataset.classes(), image.size(),
                new FeaturizeMetadata.Base("MobileNetV2", model.alpha(), backbone.pretrained(),
                        String.valueOf(backbone.weightsSha256())),
                model.engine().code(), FeaturizeMetadata.PREPROCESSING, settings.input().toString());
        metadata.write(settings.output(), hadoop);
        return new Result(metadata, settings.output());
    }
}
