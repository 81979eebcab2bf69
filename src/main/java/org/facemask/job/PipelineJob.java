package org.facemask.job;

import org.apache.hadoop.conf.Configuration;
import org.facemask.config.PipelineConfig;
import org.facemask.model.BaseWeightsSource;
import org.facemask.storage.Location;
import org.facemask.storage.Storage;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code pipeline}: prepare, train and evaluate in one Spark session, as the README's first command runs them on
 * the sample set. Everything that can be checked before the prepared dataset exists is checked before Spark
 * starts; train and evaluate are planned (and their inputs checked) once their input has been written.
 */
final class PipelineJob implements Job {
    @Override
    public String name() {
        return "pipeline";
    }

    @Override
    public String description() {
        return "prepare, then train, then evaluate (train.input, evaluate.* default to the stage before)";
    }

    @Override
    public Run plan(PipelineConfig config) {
        Run prepare = new PrepareJob().plan(config);
        Configuration hadoop = Storage.hadoopConf(config.spark().conf());
        BaseWeightsSource weights = BaseWeightsSource.resolve(config.model(), config.image().size(), hadoop);
        // every output apart from every input, model and earlier output, before the first one is written
        String inputKey = config.prepare().inputKey();
        List<Location> earlier = new ArrayList<>();
        config.prepare().inputs().forEach(input -> earlier.add(new Location(inputKey, input)));
        earlier.add(new Location("prepare.output", config.prepare().output()));
        TrainJob.checkedOutput(config.train(), weights, earlier, hadoop);
        earlier.add(new Location("train.output", config.train().output()));
        EvaluateJob.checkedOutput(config.evaluate(), earlier, hadoop);
        return spark -> {
            prepare.run(spark);
            new TrainJob().plan(config).run(spark);
            new EvaluateJob().plan(config).run(spark);
        };
    }
}
