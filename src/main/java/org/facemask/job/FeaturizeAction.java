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
import org.facemask.storage.Location;
import org.facemask.storage.OutputLocation;
import org.facemask.storage.Storage;

import java.net.URI;
import java.util.List;

/** {@code featurize}: the frozen MobileNetV2 base over a prepared dataset, one feature vector per image. */
record FeaturizeAction(FeaturizeSettings settings, ImageSettings image, ModelSettings model, PreparedInput input,
                       OutputLocation output) implements Action<FeaturizeAction.Result> {
    /** @param metadata what featurize.json says (its {@code images}: the vectors written) */
    record Result(FeaturizeMetadata metadata, URI output) implements Action.Result {
    }

    /** A prepared dataset at image.size, the base's weights, an output apart from both. */
    static FeaturizeAction check(PipelineConfig config) {
        FeaturizeSettings settings = config.featurize();
        Configuration hadoop = Storage.hadoopConf(config.spark().conf());
        PreparedInput input = PreparedInput.check("featurize.input", settings.input(), config, hadoop);
        OutputLocation output = OutputLocation.checked(OutputLocation.Writer.FEATURIZE, settings.output(),
                settings.overwrite(), List.of(new Location("featurize.input", settings.input()),
                        new Location("model.base.weights", input.weights().file())), hadoop);
        return new FeaturizeAction(settings, config.image(), config.model(), input, output);
    }

    @Override
    public Result execute(SparkSession spark) {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        return output.writeWith(hadoop, () -> {
            Backbone backbone = Backbone.create(model, image.size(), input.weights(), 0, hadoop);
            long count = new FeaturizeStage(spark).run(input.dataset(), backbone, model.engine(),
                    model.inferenceThreads(), model.inferenceBatch(), settings.partitions(), settings.output());
            FeaturizeMetadata metadata = new FeaturizeMetadata(count, input.dataset().classes(), image.size(),
                    new FeaturizeMetadata.Base("MobileNetV2", model.alpha(), backbone.pretrained(),
                            String.valueOf(backbone.weightsSha256())),
                    model.engine().code(), FeaturizeMetadata.PREPROCESSING, settings.input().toString());
            metadata.write(settings.output(), hadoop);
            return new Result(metadata, settings.output());
        });
    }
}
