package org.facemask.job;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.facemask.config.FacesSettings;
import org.facemask.config.ImageSettings;
import org.facemask.config.ModelSettings;
import org.facemask.config.PipelineConfig;
import org.facemask.config.StreamSettings;
import org.facemask.detect.DetectorModel;
import org.facemask.model.ModelDirectory;
import org.facemask.source.ScoreInputs;
import org.facemask.storage.Location;
import org.facemask.storage.Storage;
import org.facemask.stream.ScoringStream;

import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code stream}: scores files seconds after they land, into the score job's rows, exactly once, until stopped.
 *
 * @param faces the detector's settings, or null when whole images are scored
 */
record StreamAction(StreamSettings settings, ImageSettings image, ModelSettings model, ModelDirectory directory,
                    FacesSettings faces) implements Action<StreamAction.Result> {
    /** @param lastBatch the id of the last micro-batch committed (or found committed) in this run, or null */
    record Result(Long lastBatch, URI output) implements Action.Result {
        @Override
        public void print(PrintStream out) {
            out.printf("stream stopped%s; output: %s%n", lastBatch == null ? " before committing a batch"
                    : " after batch " + lastBatch, output);
        }
    }

    /** The landing folder, the locations apart from each other, the detector's files, then the model. */
    static StreamAction check(PipelineConfig config) {
        StreamSettings settings = config.stream();
        Configuration hadoop = Storage.hadoopConf(config.spark().conf());
        FacesSettings faces = settings.faces() ? StorageChecks.requireDetectorFiles(config.faces(), hadoop) : null;
        checkLocations(settings, faces, hadoop);
        ModelDirectory directory = ModelDirectory.open("score.model", settings.model(), hadoop);
        return new StreamAction(settings, config.image(), config.model(), directory, faces);
    }

    @Override
    public Result execute(SparkSession spark) {
        DetectorModel detector = faces == null ? null : DetectorModel.load(faces, spark.sparkContext().hadoopConfiguration());
        try (ScoringStream stream = ScoringStream.start(spark, directory, model, image, settings, detector)) {
            stream.stopOnShutdown();
            stream.awaitStop();
            return new Result(stream.lastCommittedBatch().isPresent() ? stream.lastCommittedBatch().getAsLong() : null,
                    settings.output());
        }
    }

    /** The landing folder exists; output and checkpoint are apart from it, from the model and from each other. */
    private static void checkLocations(StreamSettings settings, FacesSettings faces, Configuration hadoop) {
        if (!ScoreInputs.isGlob(settings.input())) {
            StorageChecks.requireFolder("stream.input", settings.input(), hadoop);
        }
        Location input = new Location("stream.input", settings.input());
        Location model = new Location("score.model", settings.model());
        Location checkpoint = new Location("stream.checkpoint", settings.checkpoint());
        List<Location> apartFrom = new ArrayList<>(List.of(input, model, checkpoint));
        if (faces != null) {
            apartFrom.addAll(StorageChecks.detectorFiles(faces));
        }
        // the stream must not score its own output, and Spark would list a checkpoint inside the landing folder
        Location.requireApart(new Location("stream.output", settings.output()), apartFrom, hadoop);
        Location.requireApart(checkpoint, List.of(input, model), hadoop);
    }
}
