package org.facemask.stream;

import org.junit.jupiter.api.Test;

import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The latency figures of a batch's log line: from each file's modification time to the commit, nearest rank. */
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
}
