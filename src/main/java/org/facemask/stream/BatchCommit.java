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
import java.util.UUID;

/**
 * Writes one micro-batch's rows so that readers see all of them or none, and a replay of the batch (after a crash
 * between this commit and Spark's own) finds its rows instead of adding them again: the rows are written as one
 * Parquet file to {@code _staging/<batch>/}, then that file is renamed to {@code run_date=<date>/<batch>.parquet},
 * one atomic step on local disk and HDFS (on S3 one object copy: the object appears whole). {@code <batch>} is
 * {@code batch-<id>-<query id>}: Spark replays a batch with the same id, files and batch time (so the same date)
 * and keeps the query id in the checkpoint, so a batch whose file is already there was committed; a new checkpoint
 * (a new query id) never mistakes an old query's files for its own. Readers skip {@code _staging} (Spark skips
 * names starting with '_' or '.'; a plain Parquet reader reads {@code run_date=*}{@code /*.parquet}).
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

    /** One micro-batch of one query (checkpoint), and the date its rows go to. */
    record Batch(UUID queryId, long id, LocalDate runDate) {
        String name() {
            return "batch-" + id + "-" + queryId;
        }
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
    Path committed(Batch batch) {
        return new Path(new Path(new Path(output), "run_date=" + batch.runDate()), batch.name() + ".parquet");
    }

    private Path staging(Batch batch) {
        return new Path(new Path(new Path(output), STAGING), batch.name());
    }

    /** Whether the batch's file is in place: a replayed batch that was committed before the crash. */
    boolean isCommitted(Batch batch) {
        try {
            return fs.exists(committed(batch));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check " + committed(batch) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes the rows to staging (replacing what a killed attempt left there) as one file.
     *
     * @return the staged folder, to count its rows before {@link #commit}
     */
    URI stage(Batch batch, Dataset<Row> rows) {
        // repartition, not coalesce: coalesce(1) would score the whole batch in one task
        rows.repartition(1).write().mode(SaveMode.Overwrite).parquet(Storage.sparkPath(staging(batch).toUri()));
        hook.after(Step.STAGED, batch.id());
        return staging(batch).toUri();
    }

    /** Renames the staged file in: the batch's rows appear at once. */
    void commit(Batch batch) {
        Path staged = staging(batch);
        Path target = committed(batch);
        try {
            FileStatus[] parts = fs.listStatus(staged, p -> p.getName().startsWith(PART_PREFIX));
            if (parts.length != 1) {
                throw new IOException(staged + " holds " + parts.length + " Parquet files, not one");
            }
            fs.mkdirs(target.getParent());
            if (!fs.rename(parts[0].getPath(), target)) {
                throw new IOException("rename of " + parts[0].getPath() + " to " + target + " returned false");
            }
            hook.after(Step.COMMITTED, batch.id());
            fs.delete(staged, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot commit batch " + batch.id() + " to " + target + ": " + e.getMessage(), e);
        }
    }

    /** Deletes what an attempt of a batch that turned out to be committed already left in staging. */
    void discardStaging(Batch batch) {
        try {
            fs.delete(staging(batch), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + staging(batch) + ": " + e.getMessage(), e);
        }
    }
}
