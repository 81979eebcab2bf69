package org.facemask.job;

import org.apache.hadoop.conf.Configuration;
import org.facemask.config.FeaturizeSettings;
import org.facemask.config.ImageSettings;
import org.facemask.config.ModelSettings;
import org.facemask.config.PipelineConfig;
import org.facemask.featurize.FeaturizeStage;
import org.facemask.model.Backbone;
import org.facemask.model.BaseWeightsSource;
import org.facemask.prepare.PreparedDataset;
import org.facemask.storage.Json;
import org.facemask.storage.Location;
import org.facemask.storage.OutputLocation;
import org.facemask.storage.Storage;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code featurize}: the frozen MobileNetV2 base over a prepared dataset, one feature vector per image. */
final class FeaturizeJob implements Job {
    static final String METADATA_FILE = "featurize.json";

    @Override
    public String name() {
        return "featurize";
    }

    @Override
    public String description() {
        return "run the frozen MobileNetV2 base over a prepared dataset into feature vectors (Parquet)";
    }

    @Override
    public Run plan(PipelineConfig config) {
        ImageSettings image = config.image();
        ModelSettings model = config.model();
        FeaturizeSettings settings = config.featurize();
        Configuration hadoop = Storage.hadoopConf(config.spark().conf());
        PreparedDataset dataset = PreparedDataset.open("featurize.input", settings.input(), hadoop);
        dataset.requireImageSize(image.size());
        BaseWeightsSource weights = BaseWeightsSource.resolve(model, image.size(), hadoop);
        OutputLocation output = OutputLocation.checked(OutputLocation.Writer.FEATURIZE, settings.output(),
                settings.overwrite(), List.of(new Location("featurize.input", settings.input()),
                        new Location("model.base.weights", weights.file())), hadoop);
        return spark -> {
            Configuration sparkHadoop = spark.sparkContext().hadoopConfiguration();
            output.replace(sparkHadoop);
            Backbone backbone = Backbone.create(model, image.size(), weights, 0, sparkHadoop);
            long count = new FeaturizeStage(spark).run(dataset, backbone, model.engine(), model.inferenceThreads(),
                    model.inferenceBatch(), settings.partitions(), settings.output());
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("images", count);
            meta.put("classes", dataset.classes());
            meta.put("image_size", image.size());
            meta.put("base", Map.of("architecture", "MobileNetV2", "alpha", model.alpha(),
                    "pretrained", backbone.pretrained(),
                    "weights_sha256", String.valueOf(backbone.weightsSha256())));
            meta.put("engine", model.engine().code());
            meta.put("preprocessing", "RGB, squashed to image_size with area averaging, x/127.5 - 1, NCHW");
            meta.put("input", settings.input().toString());
            Json.writeFile(Storage.child(settings.output(), METADATA_FILE), meta, sparkHadoop);
        };
    }
}
