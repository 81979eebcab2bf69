package org.facemask.job;

import org.apache.hadoop.conf.Configuration;
import org.facemask.config.FacesSettings;
import org.facemask.config.PipelineConfig;
import org.facemask.config.StreamSettings;
import org.facemask.detect.DetectorModel;
import org.facemask.model.ModelDirectory;
import org.facemask.score.ScoreInputs;
import org.facemask.storage.Location;
import org.facemask.storage.Storage;
import org.facemask.stream.ScoringStream;

import java.util.ArrayList;
import java.util.List;

/** {@code stream}: scores files seconds after they land, into the score job's rows, exactly once, until stopped. */
final class StreamJob implements Job {
    @Override
    public String name() {
        return "stream";
    }

    @Override
    public String description() {
        return "score files as they land in a folder (Structured Streaming), exactly once across restarts; "
                + "SIGTERM stops after the batch in flight";
    }

    @Override
    public Run plan(PipelineConfig config) {
        StreamSettings settings = config.stream();
        Configuration hadoop = Storage.hadoopConf(config.spark().conf());
        FacesSettings faces = settings.faces() ? StorageChecks.requireDetectorFiles(config.faces(), hadoop) : null;
        checkLocations(settings, faces, hadoop);
        ModelDirectory directory = ModelDirectory.open("score.model", settings.model(), hadoop);
        return spark -> {
            DetectorModel detector = faces == null ? null : DetectorModel.load(faces, spark.sparkContext().hadoopConfiguration());
            try (ScoringStream stream = ScoringStream.start(spark, directory, config.model(), config.image(), settings,
                    detector)) {
                stream.stopOnShutdown();
                stream.awaitStop();
            }
        };
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
