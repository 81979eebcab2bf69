package org.facemask.job;

import org.apache.hadoop.conf.Configuration;
import org.facemask.config.ImageSettings;
import org.facemask.config.ModelSettings;
import org.facemask.config.PipelineConfig;
import org.facemask.config.ScoreSettings;
import org.facemask.model.ModelDirectory;
import org.facemask.score.ScoreInputs;
import org.facemask.config.FacesSettings;
import org.facemask.detect.DetectorModel;
import org.facemask.score.ScoreStage;
import org.facemask.storage.Location;
import org.facemask.storage.Storage;

import java.util.ArrayList;
import java.util.List;

/** {@code score}: bulk scoring of image folders and archives into a run_date-partitioned Parquet dataset. */
final class ScoreJob implements Job {
    @Override
    public String name() {
        return "score";
    }

    @Override
    public String description() {
        return "score image folders and archives into Parquet, one row per image (or per face), safe to re-run, incremental";
    }

    @Override
    public Run plan(PipelineConfig config) {
        ImageSettings image = config.image();
        ModelSettings model = config.model();
        ScoreSettings settings = config.score();
        Configuration hadoop = Storage.hadoopConf(config.spark().conf());
        ModelDirectory directory = ModelDirectory.open("score.model", settings.model(), hadoop);
        FacesSettings faces = checkInputs(config, hadoop);
        return spark -> {
            DetectorModel detector = faces == null ? null : DetectorModel.load(faces, spark.sparkContext().hadoopConfiguration());
            ScoreStage.Result r = new ScoreStage(spark).run(directory, model, image, settings, detector);
            System.out.printf("run_date=%s: %d rows (%d scored, %d errors), %d files skipped as already scored; output: %s%n",
                    settings.runDate(), r.rows(), r.scored(), r.errors(), r.skipped(), settings.output());
        };
    }

    /**
     * All that scoring needs besides a trained model, checked before Spark starts (the pipeline checks it before its
     * model exists): the input, an output apart from it, the detector's files.
     *
     * @return the face settings, or null when whole images are scored
     */
    static FacesSettings checkInputs(PipelineConfig config, Configuration hadoop) {
        ScoreSettings settings = config.score();
        if (!ScoreInputs.isGlob(settings.input())) {
            StorageChecks.requireExists("score.input", settings.input(), hadoop);
        }
        FacesSettings faces = settings.faces() ? StorageChecks.requireDetectorFiles(config.faces(), hadoop) : null;
        List<Location> apartFrom = new ArrayList<>(List.of(new Location("score.input", settings.input()),
                new Location("score.model", settings.model())));
        if (faces != null) {
            apartFrom.addAll(StorageChecks.detectorFiles(faces));
        }
        // the output is never replaced as a whole, but a run must not score its own output or write into its model
        Location.requireApart(new Location("score.output", settings.output()), apartFrom, hadoop);
        return faces;
    }
}
