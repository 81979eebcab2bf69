package org.facemask.stream;

import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One log line per micro-batch for the operator: what the batch committed (from the batch itself) with Spark's
 * rates for it (from the query's progress, which Spark reports once the batch is done), and the latency from each
 * file's modification time to its batch's commit.
 */
final class BatchProgress extends StreamingQueryListener {
    private static final Logger LOG = LoggerFactory.getLogger(BatchProgress.class);

    /**
     * @param files       files scored (an archive is one)
     * @param skipped     files older than the first start (stream.start=latest)
     * @param replayed    the batch was committed before a restart: found, not written again
     * @param latencies   seconds from each scored file's modification time to the commit, sorted
     */
    record Committed(long files, long skipped, long rows, long errors, boolean replayed, double[] latencies) {
        static Committed of(long files, long skipped, long rows, long errors, long committedAtMs, long[] modifiedMs) {
            double[] latencies = Arrays.stream(modifiedMs).mapToDouble(m -> (committedAtMs - m) / 1000.0).sorted().toArray();
            return new Committed(files, skipped, rows, errors, false, latencies);
        }

        static Committed replayed(long files, long skipped) {
            return new Committed(files, skipped, 0, 0, true, new double[0]);
        }

        /** The nearest-rank percentile ({@code q} in (0, 1]) of the latencies; NaN when there are none. */
        double latency(double q) {
            if (latencies.length == 0) {
                return Double.NaN;
            }
            return latencies[Math.max(0, (int) Math.ceil(q * latencies.length) - 1)];
        }
    }

    private final Map<Long, Committed> committed = new ConcurrentHashMap<>();
    private final AtomicLong lastCommitted = new AtomicLong(-1);
    private volatile UUID queryId;

    void watch(UUID id) {
        queryId = id;
    }

    void committed(long batchId, Committed batch) {
        committed.put(batchId, batch);
        lastCommitted.accumulateAndGet(batchId, Math::max);
    }

    /** The highest batch id committed (or found committed) in this run; -1 before the first. */
    long lastCommitted() {
        return lastCommitted.get();
    }

    /**
     * Logs the batches committed whose progress Spark never reported: a stop right after a batch's commit ends the
     * query before its progress event, and the operator would not see that batch's line.
     */
    void reportUnreported() {
        committed.keySet().stream().sorted().forEach(id -> {
            Committed batch = committed.remove(id);
            if (batch != null) { // else its progress event came meanwhile, and logged it
                log(id, batch, null);
            }
        });
    }

    @Override
    public void onQueryProgress(QueryProgressEvent event) {
        StreamingQueryProgress p = event.progress();
        Committed batch = p.id().equals(queryId) ? committed.remove(p.batchId()) : null;
        if (batch == null) {
            return; // another query, or a trigger that found no new file
        }
        log(p.batchId(), batch, p);
    }

    /** One line per batch; the rates come from Spark's progress, which a batch committed as the stream stops lacks. */
    private static void log(long batchId, Committed batch, StreamingQueryProgress p) {
        if (batch.replayed()) {
            LOG.info("batch {}: {} files, committed before the restart: found, not written again", batchId,
                    batch.files());
            return;
        }
        LOG.info("batch {}: {} files, {} rows, {} errors, {} skipped as older than the first start; {}; latency from file "
                        + "modified to batch committed p50 {} s, p95 {} s",
                batchId, batch.files(), batch.rows(), batch.errors(), batch.skipped(), p == null
                        ? "committed as the stream stopped"
                        : String.format("input %.1f files/s, processed %.1f files/s", p.inputRowsPerSecond(),
                        p.processedRowsPerSecond()),
                String.format("%.1f", batch.latency(0.50)), String.format("%.1f", batch.latency(0.95)));
    }

    @Override
    public void onQueryStarted(QueryStartedEvent event) {
    }

    @Override
    public void onQueryTerminated(QueryTerminatedEvent event) {
    }
}
