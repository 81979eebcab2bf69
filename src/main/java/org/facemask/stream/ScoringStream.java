package org.facemask.stream;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.facemask.config.ImageSettings;
import org.facemask.config.ModelSettings;
import org.facemask.config.StreamSettings;
import org.facemask.detect.DetectorModel;
import org.facemask.inference.ImageScorer;
import org.facemask.inference.SparkInference;
import org.facemask.model.ModelDirectory;
import org.facemask.model.ModelMetadata;
import org.facemask.source.InputFile;
import org.facemask.score.ScoredFiles;
import org.facemask.storage.Location;
import org.facemask.storage.Storage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.sql.Timestamp;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;

/**
 * Near-real-time scoring: a Structured Streaming query over the landing location (Spark's file source, which keeps
 * the files it has seen in the checkpoint) that scores each micro-batch's new files as the score job scores a run's
 * ({@link ScoredFiles}: same scorer, same rows), and commits the batch's rows with {@link BatchCommit}, exactly once.
 *
 * <p>The file source lists only names, sizes and times (the content column is never read); the files are read by
 * the scoring tasks, spread over the cluster. A row's {@code scored_at} is the batch's time, which Spark keeps in
 * its offset log, so a replayed batch writes the same rows into the same {@code run_date}.
 */
public final class ScoringStream implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScoringStream.class);
    /** What Spark's binaryFile source lists; the file source needs the schema up front. */
    private static final StructType LISTING = new StructType()
            .add("path", DataTypes.StringType, false)
            .add("modificationTime", DataTypes.TimestampType, false)
            .add("length", DataTypes.LongType, false)
            .add("content", DataTypes.BinaryType, true);
    /** How long a stop on SIGTERM waits for the batch in flight to commit. */
    private static final long STOP_WAIT_MINUTES = 10;
    /** Above Spark's own shutdown hooks (FileSystem.SHUTDOWN_HOOK_PRIORITY + 30 = 40): runs before they stop Spark. */
    private static final int SHUTDOWN_PRIORITY = 60;

    private final SparkSession spark;
    private final StreamSettings settings;
    private final SparkInference inference;
    private final ImageScorer.Setup scoring;
    private final String modelVersion;
    private final long scoredFrom;
    private final BatchCommit commit;
    private final BatchProgress progress = new BatchProgress();
    private final ScoredFiles.Timers timers;
    /** Held while a batch scores and commits: a stop waits for it. */
    private final ReentrantLock inFlight = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Open until the first close has finished: a second closer waits on it (see {@link #close}). */
    private final CountDownLatch closeFinished = new CountDownLatch(1);
    /** The query, once start() has returned it: its first batch may run before. */
    private final CompletableFuture<StreamingQuery> started = new CompletableFuture<>();
    private StreamingQuery query;

    private ScoringStream(SparkSession spark, StreamSettings settings, SparkInference inference,
                          ImageScorer.Setup scoring, String modelVersion, long scoredFrom, BatchCommit commit) {
        this.spark = spark;
        this.settings = settings;
        this.inference = inference;
        this.scoring = scoring;
        this.modelVersion = modelVersion;
        this.scoredFrom = scoredFrom;
        this.commit = commit;
        this.timers = ScoredFiles.Timers.register(spark.sparkContext());
    }

    /**
     * Starts the query; it runs until {@link #close} or a failure ({@link #awaitStop}).
     *
     * @param detector null to score whole images; else every face it finds is scored
     */
    public static ScoringStream start(SparkSession spark, ModelDirectory modelDir, ModelSettings model,
                                      ImageSettings guard, StreamSettings settings, DetectorModel detector) {
        return start(spark, modelDir, model, guard, settings, detector, BatchCommit.Hook.NONE);
    }

    static ScoringStream start(SparkSession spark, ModelDirectory modelDir, ModelSettings model, ImageSettings guard,
                               StreamSettings settings, DetectorModel detector, BatchCommit.Hook hook) {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        long scoredFrom = StreamStart.scoredFrom(settings.checkpoint(), settings.start(), hadoop,
                System.currentTimeMillis());
        ModelMetadata meta = modelDir.metadata();
        SparkInference inference = SparkInference.of(spark, modelDir, model);
        ImageScorer.Setup scoring = new ImageScorer.Setup(guard.withSize(meta.imageSize()), meta.classes(),
                inference.handle(), model.inferenceBatch(), detector);
        ScoringStream stream = new ScoringStream(spark, settings, inference, scoring, meta.version(), scoredFrom,
                new BatchCommit(settings.output(), hadoop, hook));
        stream.startQuery();
        return stream;
    }

    private void startQuery() {
        Dataset<Row> landed = spark.readStream().format("binaryFile").schema(LISTING)
                .option("maxFilesPerTrigger", settings.maxFilesPerTrigger())
                // files in sub-folders too, with no partition columns read from folder names
                .option("recursiveFileLookup", "true")
                .load(Storage.sparkPath(settings.input()))
                // current_timestamp() in a micro-batch is the batch's time from the offset log: the same on a replay
                .select(col("path"), col("modificationTime"), col("length"), current_timestamp().alias("batch_time"));
        spark.streams().addListener(progress);
        try {
            query = landed.writeStream().queryName("facemask-stream")
                    .option("checkpointLocation", Storage.sparkPath(settings.checkpoint()))
                    .trigger(Trigger.ProcessingTime(settings.trigger().toMillis()))
                    .foreachBatch(this::scoreBatch)
                    .start();
        } catch (TimeoutException e) {
            throw new IllegalStateException("the stream over " + settings.input() + " did not start: " + e.getMessage(), e);
        }
        started.complete(query);
        progress.watch(query.id());
        LOG.info("watching {} every {} s (at most {} files a batch) with model {}; rows to {}, checkpoint {}",
                Location.shown(settings.input()), settings.trigger().toMillis() / 1000.0, settings.maxFilesPerTrigger(),
                modelVersion, Location.shown(settings.output()), Location.shown(settings.checkpoint()));
    }

    public StreamingQuery query() {
        return query;
    }

    /** One micro-batch: its new files scored and committed, or found committed by an attempt before a restart. */
    private void scoreBatch(Dataset<Row> landed, long batchId) throws InterruptedException, ExecutionException {
        UUID queryId = started.get().id();
        inFlight.lockInterruptibly();
        try {
            List<Row> listed = landed.collectAsList();
            if (listed.isEmpty()) {
                return;
            }
            Timestamp batchTime = listed.get(0).getTimestamp(3);
            BatchCommit.Batch batch = new BatchCommit.Batch(queryId, batchId,
                    batchTime.toInstant().atOffset(ZoneOffset.UTC).toLocalDate());
            List<InputFile> files = new ArrayList<>();
            for (Row r : listed) {
                long modified = r.getTimestamp(1).getTime();
                if (modified >= scoredFrom) {
                    files.add(new InputFile(r.getString(0), null, r.getLong(2), modified));
                }
            }
            files.sort(Comparator.comparing(InputFile::path));
            long skipped = listed.size() - files.size();
            if (commit.isCommitted(batch)) {
                commit.discardStaging(batch);
                progress.committed(batchId, BatchProgress.Committed.replayed(files.size(), skipped));
                return;
            }
            if (files.isEmpty()) {
                progress.committed(batchId, BatchProgress.Committed.of(0, skipped, 0, 0, 0, new long[0]));
                return;
            }
            URI staged = commit.stage(batch, ScoredFiles.rows(spark, files, settings.partitions(), scoring, timers,
                    settings.maxEntryBytes(), modelVersion, batchTime));
            ScoredFiles.Counts counts = ScoredFiles.countWritten(spark, staged, scoring.detector() != null);
            commit.commit(batch);
            progress.committed(batchId, BatchProgress.Committed.of(files.size(), skipped, counts.rows(),
                    counts.errors(), System.currentTimeMillis(),
                    files.stream().mapToLong(InputFile::modificationTime).toArray()));
        } finally {
            inFlight.unlock();
        }
    }

    /** The id of the last micro-batch committed (or found committed) in this run, if any. */
    public OptionalLong lastCommittedBatch() {
        long id = progress.lastCommitted();
        return id < 0 ? OptionalLong.empty() : OptionalLong.of(id);
    }

    /** Blocks until the query stops: returns after a stop, throws when it failed. */
    public void awaitStop() {
        try {
            query.awaitTermination();
        } catch (StreamingQueryException e) {
            throw new IllegalStateException("the stream over " + settings.input() + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * On SIGTERM (or any JVM exit), stops the query once the batch in flight has committed, before Spark's own
     * shutdown hooks stop the SparkContext under it. Spark's {@code stop()} alone would abandon the batch, which the
     * next start would score again.
     */
    public void stopOnShutdown() {
        org.apache.hadoop.util.ShutdownHookManager.get().addShutdownHook(() -> {
            if (!closed.get()) {
                LOG.info("stopping: the batch in flight (if any) commits first");
            }
            close(); // also when the job is closing it already: Spark's own hooks must wait until that has finished
        }, SHUTDOWN_PRIORITY, STOP_WAIT_MINUTES, TimeUnit.MINUTES);
    }

    /**
     * Stops the query after the batch in flight (no batch is left half done) and releases the model. The shutdown hook
     * and the job both close: whichever comes second waits until the first has finished, because the job stops the
     * SparkContext right after, and {@code query.stop()} still cancels Spark jobs once the query thread has ended
     * (which is what lets the job's own close begin).
     */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            awaitCloseFinished();
            return;
        }
        try {
            stopAfterBatchInFlight();
        } finally {
            closeFinished.countDown();
        }
    }

    private void awaitCloseFinished() {
        try {
            if (!closeFinished.await(STOP_WAIT_MINUTES, TimeUnit.MINUTES)) {
                LOG.warn("the stream's stop has not finished after {} minutes; going on", STOP_WAIT_MINUTES);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void stopAfterBatchInFlight() {
        inFlight.lock();
        try {
            query.stop();
            progress.reportUnreported();
            LOG.info("stopped; {}; task-seconds: read {}, decode+resize {}, inference {}",
                    progress.lastCommitted() < 0 ? "no batch committed in this run"
                            : "the last batch committed was " + progress.lastCommitted(),
                    String.format("%.1f", timers.read().value() / 1e9), String.format("%.1f", timers.decode().value() / 1e9),
                    String.format("%.1f", timers.inference().value() / 1e9));
        } catch (TimeoutException e) {
            throw new IllegalStateException("the stream did not stop: " + e.getMessage(), e);
        } finally {
            inFlight.unlock();
            spark.streams().removeListener(progress);
            inference.close();
        }
    }
}
