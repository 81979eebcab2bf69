package org.facemask.source;

import org.apache.spark.sql.SparkSession;

/** How many Spark partitions a list of files is read in, for every job that reads files in tasks. */
public final class FilePartitions {
    private FilePartitions() {
    }

    /** Partitions for a list of files: as configured, or about {@code filesPerPartition} each, at least two per core. */
    public static int of(SparkSession spark, int configured, int files, int filesPerPartition) {
        int n = configured > 0 ? configured : Math.max(2 * spark.sparkContext().defaultParallelism(),
                (files + filesPerPartition - 1) / filesPerPartition);
        return Math.max(1, Math.min(n, Math.max(1, files)));
    }
}
