package org.facemask.job;

import org.apache.hadoop.conf.Configuration;
import org.facemask.config.PipelineConfig;
import org.facemask.model.BaseWeightsSource;
import org.facemask.storage.Storage;

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
        config.train();
        config.evaluate();
        BaseWeightsSource.resolve(config.model(), config.image().size(), hadoop);
        return spark -> {
            prepare.run(spark);
            new TrainJob().plan(config).run(spark);
            new EvaluateJob().plan(config).run(spark);
        };
    }
}
