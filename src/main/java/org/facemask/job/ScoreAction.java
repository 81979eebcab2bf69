package org.facemask.job;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.facemask.config.FacesSettings;
import org.facemask.config.ImageSettings;
import org.facemask.config.ModelSettings;
import org.facemask.config.PipelineConfig;
import org.facemask.config.ScoreSettings;
import org.facemask.detect.DetectorModel;
import org.facemask.model.ModelDirectory;
import org.facemask.source.ScoreInputs;
import org.facemask.score.ScoreStage;
import org.facemask.storage.Location;
import org.facemask.storage.Storage;

import java.io.PrintStream;
import java.net.URI;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code score}: bulk scoring of image folders and archives into a run_date-partitioned Parquet dataset.
 *
 * @param faces the detector's settings, or null when whole images are scored
 */
record ScoreAction(ScoreSettings settings, ImageSettings image, ModelSettings model, ModelDirectory directory,
                   FacesSettings faces) implements Action<ScoreAction.Result> {
    /**
     * @param counts  files seen and skipped, rows written, scored and in error
     * @param output  score.output, partitioned by run_date
     */
    record Result(LocalDate runDate, ScoreStage.Result counts, URI output) implements Action.Result {
        /** The partition this run wrote. */
        URI partition() {
            return Storage.child(output, ScoreStage.RUN_DATE + "=" + runDate);
        }

        @Override
        public void print(PrintStream out) {
            out.printf("run_date=%s: %d rows (%d scored, %d errors), %d files skipped as already scored; output: %s%n",
                    runDate, counts.rows(), counts.scored(), counts.errors(), counts.skipped(), output);
        }
    }

    /** A trained model, then what {@link #checkInputs} checks. */
    static ScoreAction check(PipelineConfig config) {
        ScoreSettings settings = config.score();
        Configuration hadoop = Storage.hadoopConf(config.spark().conf());
        ModelDirectory directory = ModelDirectory.open("score.model", settings.model(), hadoop);
        return new ScoreAction(settings, config.image(), config.model(), directory, checkInputs(config, hadoop));
    }

    @Override
    public Result execute(SparkSession spark) {
        DetectorModel detector = faces == null ? null : DetectorModel.load(faces, spark.sparkContext().hadoopConfiguration());
        ScoreStage.Result counts = new ScoreStage(spark).run(directory, model, image, settings, detector);
        return new Result(settings.runDate(), counts, settings.output());
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
