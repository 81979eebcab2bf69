package org.facemask.bench;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

/**
 * StreamLatency OUTPUT [LEFT_OUT]: what the stream job's output says of its latency and throughput, from every row rather than
 * the per-batch log lines: a file's latency is from its modification time to the commit of its batch (the
 * modification time of the batch's Parquet file, which the commit renames into place). Prints files, errors, the
 * p50/p95/max latency, and the sustained rate: files over the time from the first file landing to the last commit.
 * Rows whose path ends with {@code /LEFT_OUT} (the benchmark's warm-up file) are left out.
 * Used by src/bench/stream-latency.sh.
 */
public final class StreamLatency {
    private StreamLatency() {
    }

    public static void main(String[] args) throws Exception {
        try (SparkSession spark = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false").getOrCreate()) {
            String leftOut = args.length > 1 ? "/" + args[1] : null;
            List<Row> rows = spark.read().parquet(args[0])
                    .where(leftOut == null ? lit(true) : not(col("path").endsWith(leftOut)))
                    .select(col("modification_time"), col("error"), input_file_name().alias("file")).collectAsList();
            Map<String, Long> committed = new HashMap<>();
            double[] latencies = new double[rows.size()];
            long firstLanded = Long.MAX_VALUE;
            long lastCommit = 0;
            long errors = 0;
            for (int i = 0; i < rows.size(); i++) {
                Row r = rows.get(i);
                long commit = committed.computeIfAbsent(r.getString(2), StreamLatency::modified);
                long landed = r.getTimestamp(0).getTime();
                latencies[i] = (commit - landed) / 1000.0;
                firstLanded = Math.min(firstLanded, landed);
                lastCommit = Math.max(lastCommit, commit);
                errors += r.isNullAt(1) ? 0 : 1;
            }
            Arrays.sort(latencies);
            System.out.printf("stream: %d files (%d errors) in %d batches; sustained %.1f files/s; latency p50 %.1f s, "
                            + "p95 %.1f s, max %.1f s%n", rows.size(), errors, committed.size(),
                    rows.size() / ((lastCommit - firstLanded) / 1000.0), percentile(latencies, 0.50),
                    percentile(latencies, 0.95), latencies[latencies.length - 1]);
        }
    }

    private static long modified(String file) {
        try {
            return Files.getLastModifiedTime(Path.of(URI.create(file))).toMillis();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static double percentile(double[] sorted, double q) {
        return sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)];
    }
}
