package org.facemask.stream;

import org.facemask.testing.LogLines;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The latency figures of a batch's log line (from each file's modification time to the commit, nearest rank), and the
 * lines of batches committed as the stream stops.
 */
class BatchProgressTest {
    @Test
    void latencyPercentilesAreNearestRankOverTheFilesOfTheBatch() {
        long committedAt = 1_000_000;
        // twenty files modified 1 s, 2 s, ... 20 s before the commit, in no particular order
        long[] modified = LongStream.of(7, 1, 20, 3, 2, 19, 4, 5, 6, 8, 9, 10, 18, 11, 12, 13, 14, 15, 16, 17)
                .map(seconds -> committedAt - seconds * 1000).toArray();
        BatchProgress.Committed batch = BatchProgress.Committed.of(20, 0, 20, 0, committedAt, modified);
        assertEquals(10.0, batch.latency(0.50));
        assertEquals(19.0, batch.latency(0.95));
        assertEquals(20.0, batch.latency(1.0));
        assertEquals(1.0, batch.latency(0.01));
    }

    @Test
    void aBatchWithoutScoredFilesHasNoLatency() {
        assertTrue(Double.isNaN(BatchProgress.Committed.of(0, 3, 0, 0, 1000, new long[0]).latency(0.95)));
        assertTrue(Double.isNaN(BatchProgress.Committed.replayed(4, 0).latency(0.5)));
    }

    @Test
    void aBatchCommittedAsTheStreamStopsIsLoggedOnceWithoutRates() {
        BatchProgress progress = new BatchProgress();
        assertEquals(-1, progress.lastCommitted());
        try (LogLines log = LogLines.of(BatchProgress.class)) {
            progress.committed(4, BatchProgress.Committed.replayed(3, 0));
            progress.committed(5, BatchProgress.Committed.of(2, 1, 2, 0, 3000, new long[]{1000, 2000}));
            // no progress event came: the query stopped right after the commit
            progress.reportUnreported();
            progress.reportUnreported();
            assertEquals(List.of("batch 4: 3 files, committed before the restart: found, not written again",
                    "batch 5: 2 files, 2 rows, 0 errors, 1 skipped as older than the first start; committed as the "
                            + "stream stopped; latency from file modified to batch committed p50 1.0 s, p95 2.0 s"),
                    log.lines());
        }
        assertEquals(5, progress.lastCommitted());
    }
}
