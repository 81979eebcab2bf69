package org.facemask.stream;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.facemask.storage.Storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.LocalDate;

/**
 * Writes one micro-batch's rows so that readers see all of them or none, and a replay of the batch (after a crash
 * between this commit and Spark's own) finds its rows instead of adding them again: the rows are written as one
 * Parquet file to {@code _staging/batch-<id>/}, then that file is renamed to {@code run_date=<date>/batch-<id>.parquet},
 * one atomic step on local disk and HDFS (on S3 one object copy: the object appears whole). The name is the batch
 * id, and Spark replays a batch with the same id, files and batch time (so the same date), so a batch whose file
 * is already there was committed. Readers skip {@code _staging} (Spark skips names starting with '_' or '.'; a
 * plain Parquet reader reads {@code run_date=*}{@code /*.parquet}).
 */
final class BatchCommit {
    static final String STAGING = "_staging";
    private static final String PART_PREFIX = "part-";

    /** The moments of a commit, where a test stops it as a kill would. */
    enum Step { STAGED, COMMITTED }

    /** Called after each step; production code does nothing there. */
    interface Hook {
        Hook NONE = (step, batchId) -> { };

        void after(Step step, long batchId);
    }

    private final URI output;
    private final FileSystem fs;
    private final Hook hook;

    BatchCommit(URI output, Configuration conf, Hook hook) {
        this.output = output;
        this.fs = Storage.fileSystem(output, conf);
        this.hook = hook;
    }

    /** The committed file of a batch. */
    Path committed(long batchId, LocalDate runDate) {
        return new Path(new Path(new Path(output), "run_date=" + runDate), "batch-" + batchId + ".parquet");
    }

    private Path staging(long batchId) {
        return new Path(new Path(new Path(output), STAGING), "batch-" + batchId);
    }

    /** Whether the batch's file is in place: a replayed batch that was committed before the crash. */
    boolean isCommitted(long batchId, LocalDate runDate) {
        try {
            return fs.exists(committed(batchId, runDate));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check " + committed(batchId, runDate) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes the rows to staging (replacing what a killed attempt left there) as one file.
     *
     * @return the staged folder, to count its rows before {@link #commit}
     */
    URI stage(long batchId, Dataset<Row> rows) {
        // repartition, not coalesce: coalesce(1) would score the whole batch in one task
        rows.repartition(1).write().mode(SaveMode.Overwrite).parquet(Storage.sparkPath(staging(batchId).toUri()));
        hook.after(Step.STAGED, batchId);
        return staging(batchId).toUri();
    }

    /** Renames the staged file in: the batch's rows appear at once. */
    void commit(long batchId, LocalDate runDate) {
        Path staged = staging(batchId);
        Path target = committed(batchId, runDate);
        try {
            FileStatus[] parts = fs.listStatus(staged, p -> p.getName().startsWith(PART_PREFIX));
            if (parts.length != 1) {
                throw new IOException(staged + " holds " + parts.length + " Parquet files, not one");
            }
            fs.mkdirs(target.getParent());
            if (!fs.rename(parts[0].getPath(), target)) {
                throw new IOException("rename of " + parts[0].getPath() + " to " + target + " returned false");
            }
            hook.after(Step.COMMITTED, batchId);
            fs.delete(staged, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot commit batch " + batchId + " to " + target + ": " + e.getMessage(), e);
        }
    }

    /** Deletes what an attempt of a batch that turned out to be committed already left in staging. */
    void discardStaging(long batchId) {
        try {
            fs.delete(staging(batchId), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + staging(batchId) + ": " + e.getMessage(), e);
        }
    }
}
