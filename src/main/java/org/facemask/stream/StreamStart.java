package org.facemask.stream;

import org.apache.hadoop.conf.Configuration;
import org.facemask.config.StreamSettings;
import org.facemask.storage.Json;
import org.facemask.storage.Location;
import org.facemask.storage.Storage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * Which files the stream scores, fixed at the first start of a checkpoint and kept in it
 * ({@code <checkpoint>/facemask-stream-start.json}), so every restart skips the same files. Spark's file source
 * has no such option: {@code maxFileAge} and {@code latestFirst} take every file in the first batch, and
 * {@code modifiedAfter} is a fixed time the operator would have to pass again, unchanged, on every restart. Under
 * {@code stream.start=latest}, files modified before the first start are skipped (Spark still records them as
 * seen, so they are never offered again); under {@code earliest} none is.
 */
final class StreamStart {
    static final String FILE = "facemask-stream-start.json";
    private static final String SINCE = "scored_if_modified_from_ms";
    private static final Logger LOG = LoggerFactory.getLogger(StreamStart.class);

    private StreamStart() {
    }

    /**
     * @param now the first start's time, used only when the checkpoint is new
     * @return files modified before this time (milliseconds since the epoch) are skipped; 0 = none is
     */
    static long scoredFrom(URI checkpoint, StreamSettings.Start start, Configuration conf, long now) {
        URI file = Storage.child(checkpoint, FILE);
        if (Storage.exists(file, conf)) {
            long from = Json.read(Storage.readString(file, conf)).path(SINCE).asLong(-1);
            if (from < 0) {
                throw new IllegalStateException(file + " has no " + SINCE + "; delete it to score every file not yet "
                        + "seen, or put back the one the first start wrote");
            }
            LOG.info("restart with checkpoint {}: {}, as at its first start (stream.start is read only then)",
                    Location.shown(checkpoint), from == 0 ? "every file not yet seen is scored"
                            : "files modified before " + Instant.ofEpochMilli(from) + " are skipped");
            return from;
        }
        // a checkpoint Spark already wrote, without our file: Spark remembers what it saw, so nothing more is skipped
        boolean used = Storage.exists(Storage.child(checkpoint, "offsets"), conf);
        long from = start == StreamSettings.Start.LATEST && !used ? now : 0;
        Json.writeFile(file, Map.of(SINCE, from, "stream_start", start.name().toLowerCase(Locale.ROOT)), conf);
        LOG.info("first start with checkpoint {}: {}", Location.shown(checkpoint), from == 0 ? "every file in the landing location is "
                + "scored" : "files modified before " + Instant.ofEpochMilli(from) + " are skipped (stream.start=latest)");
        return from;
    }
}
