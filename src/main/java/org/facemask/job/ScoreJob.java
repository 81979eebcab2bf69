package org.facemask.job;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.facemask.config.ConfigError;
import org.facemask.config.ImageSettings;
import org.facemask.config.ModelSettings;
import org.facemask.config.PipelineConfig;
import org.facemask.config.ScoreSettings;
import org.facemask.model.ModelDirectory;
import org.facemask.score.ScoreInputs;
import org.facemask.score.ScoreStage;
import org.facemask.storage.Storage;

import java.io.IOException;

/** {@code score}: bulk scoring of image folders and archives into a run_date-partitioned Parquet dataset. */
final class ScoreJob implements Job {
    @Override
    public String name() {
        return "score";
    }

    @Override
    public String description() {
        return "score image folders and archives into Parquet, one row per image, safe to re-run, incremental";
    }

    @Override
    public Run plan(PipelineConfig config) {
        ImageSettings image = config.image();
        ModelSettings model = config.model();
        ScoreSettings settings = config.score();
        Configuration hadoop = Storage.hadoopConf(config.spark().conf());
        ModelDirectory directory = ModelDirectory.open("score.model", settings.model(), hadoop);
        if (!ScoreInputs.isGlob(settings.input())) {
            try {
                FileSystem fs = FileSystem.get(settings.input(), hadoop);
                if (!fs.exists(new Path(settings.input()))) {
                    throw new ConfigError("score.input: no such file or folder " + new Path(settings.input()));
                }
            } catch (IOException | RuntimeException e) {
                if (e instanceof ConfigError c) {
                    throw c;
                }
                throw new ConfigError("score.input: cannot open " + settings.input() + " (" + e.getMessage() + ")", e);
            }
        }
        StorageChecks.requireApart("score.input", settings.input(), "score.output", settings.output());
        return spark -> {
            ScoreStage.Result r = new ScoreStage(spark).run(directory, model, image, settings);
            System.out.printf("run_date=%s: %d rows (%d scored, %d errors), %d files skipped as already scored; output: %s%n",
                    settings.runDate(), r.rows(), r.scored(), r.errors(), r.skipped(), settings.output());
        };
    }
}
