package org.facemask.config;

import com.typesafe.config.Config;

import java.net.URI;
import java.time.Duration;

/**
 * The stream job's settings ({@code stream.*}); the model and how it scores are the score job's keys
 * ({@code score.model}, {@code score.faces}, {@code score.partitions}, {@code score.max-entry-bytes}).
 *
 * @param input             the landing location, watched for new files and archives
 * @param output            the scores dataset, partitioned by run_date as the score job's
 * @param checkpoint        Spark's checkpoint: the files seen and the batches committed
 * @param trigger           how often a micro-batch starts (when files are waiting)
 * @param maxFilesPerTrigger at most this many new files in one micro-batch
 * @param start             what the first start does with the files already there
 * @param model             score.model
 * @param faces             score.faces
 * @param partitions        score.partitions
 * @param maxEntryBytes     score.max-entry-bytes
 */
public record StreamSettings(URI input, URI output, URI checkpoint, Duration trigger, int maxFilesPerTrigger,
                             Start start, URI model, boolean faces, int partitions, long maxEntryBytes) {
    /** What the first start of a checkpoint does with the files already in the landing location. */
    public enum Start {
        /** skip them: score only files modified after the first start */
        LATEST,
        /** score them too */
        EARLIEST
    }

    /** @param score the score section, for the model and the scoring settings the two jobs share */
    static StreamSettings from(Config stream, Config score) {
        Duration trigger = stream.getDuration("trigger");
        if (trigger.isNegative() || trigger.isZero()) {
            throw new ConfigError("stream.trigger must be a positive duration such as 5s, got " + trigger);
        }
        return new StreamSettings(
                StorageUri.parse("stream.input", stream.getString("input")),
                StorageUri.parse("stream.output", stream.getString("output")),
                StorageUri.parse("stream.checkpoint", stream.getString("checkpoint")),
                trigger,
                Checks.intIn(stream, "stream.max-files-per-trigger", 1, 1_000_000),
                Checks.oneOf("stream.start", stream.getString("start"), Start.class),
                StorageUri.parse("score.model", score.getString("model")),
                score.getBoolean("faces"),
                Checks.intIn(score, "score.partitions", 0, 100_000),
                ScoreSettings.maxEntryBytes(score));
    }
}
