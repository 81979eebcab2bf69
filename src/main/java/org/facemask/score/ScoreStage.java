package org.facemask.score;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.facemask.config.ImageSettings;
import org.facemask.config.ModelSettings;
import org.facemask.config.ScoreSettings;
import org.facemask.detect.DetectorModel;
import org.facemask.inference.ImageScorer;
import org.facemask.inference.SparkInference;
import org.facemask.model.ModelDirectory;
import org.facemask.model.ModelMetadata;
import org.facemask.source.InputFile;
import org.facemask.report.ClassificationReport;
import org.facemask.report.ScoreReport;
import org.facemask.storage.Lease;
import org.facemask.storage.Storage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.sql.Timestamp;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.facemask.source.ScoreInputs;
import org.facemask.source.ArchiveEntries;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.udf;

/**
 * Nightly bulk scoring. One row per image in the {@code run_date} partition of the output:
 * path, modification_time, size_bytes, label, p_&lt;class&gt; per class, model_version, scored_at, error.
 *
 * <p>Safe to re-run: one run at a time per output and date ({@link PartitionSwap#lease}); the partition is written to
 * {@code _staging/} first and then swapped in whole ({@link PartitionSwap}), replacing what an earlier run of the
 * same date left; a run that lists no file fails rather than replace the date with nothing. Incremental:
 * files already scored without error by the same model version with the same modification time in an earlier
 * partition are skipped. Once the partition is in, the run's report goes to {@code _reports/} ({@link ScoreReport}).
 */
public final class ScoreStage {
    public static final String RUN_DATE = "run_date";
    /**
     * What an incremental run reads of the earlier partitions. Given, not inferred: a partition scored whole has no
     * face columns (they read as null), and no file footer of the whole history has to be read to merge schemas.
     */
    private static final StructType EARLIER_ROWS = earlierRows();

    private static StructType earlierRows() {
        StructType schema = new StructType();
        for (ScoreColumns.Column c : List.of(ScoreColumns.PATH, ScoreColumns.MODIFICATION_TIME, ScoreColumns.MODEL_VERSION,
                ScoreColumns.FACE_DETECTOR, ScoreColumns.FACE_SETTINGS, ScoreColumns.ERROR)) {
            schema = schema.add(c.name(), c.type(), true);
        }
        return schema.add(RUN_DATE, DataTypes.StringType, false);
    }
    private static final Logger LOG = LoggerFactory.getLogger(ScoreStage.class);

    private final SparkSession spark;
    private final Configuration hadoop;

    public ScoreStage(SparkSession spark) {
        this.spark = spark;
        this.hadoop = spark.sparkContext().hadoopConfiguration();
    }

    /** Counts of one run. */
    public record Result(long files, long skipped, long rows, long scored, long errors) {
    }

    /** @param detector null to score whole images; else every face it finds is scored */
    public Result run(ModelDirectory modelDir, ModelSettings model, ImageSettings guard, ScoreSettings settings,
                      DetectorModel detector) {
        String partitionName = RUN_DATE + "=" + settings.runDate();
        try (Lease lease = PartitionSwap.lease(settings.output(), partitionName, settings.lockTimeout(), hadoop)) {
            PartitionSwap swap = new PartitionSwap(settings.output(), partitionName, lease.runId(), hadoop);
            swap.tidy();
            PartitionSwap.tidyOthers(settings.output(), partitionName, settings.lockTimeout(), hadoop);
            return score(modelDir, model, guard, settings, detector, lease, swap);
        }
    }

    private Result score(ModelDirectory modelDir, ModelSettings model, ImageSettings guard, ScoreSettings settings,
                         DetectorModel detector, Lease lease, PartitionSwap swap) {
        long start = System.nanoTime();
        ModelMetadata meta = modelDir.metadata();
        URI partition = Storage.child(settings.output(), RUN_DATE + "=" + settings.runDate());
        URI staging = swap.staging();

        FileSystem fs = Storage.fileSystem(settings.input(), hadoop);
        List<InputFile> listed = ScoreInputs.list(fs, settings.input());
        double listSeconds = (System.nanoTime() - start) / 1e9;
        if (listed.isEmpty() && !settings.allowEmpty()) {
            throw new IllegalStateException("score.input " + settings.input() + " lists no file, so " + partition
                    + " is left as it was; check the path or glob, or set score.allow-empty=true where a night "
                    + "without files is expected (the date then gets an empty partition)");
        }
        List<InputFile> todo = settings.incremental() ? notYetScored(listed, settings, meta.version(), detector) : listed;
        LOG.info("listed {} files under {} in {} s; {} already scored by model {}, {} to score", listed.size(),
                settings.input(), String.format("%.1f", listSeconds), listed.size() - todo.size(), meta.version(), todo.size());

        long scoreStart = System.nanoTime();
        ScoredFiles.Timers timers = ScoredFiles.Timers.register(spark.sparkContext());
        try (SparkInference inference = SparkInference.of(spark, modelDir, model)) {
            ImageScorer.Setup scoring = new ImageScorer.Setup(guard.withSize(meta.imageSize()), meta.classes(),
                    inference.handle(), model.inferenceBatch(), detector);
            Dataset<Row> scored = ScoredFiles.rows(spark, todo, settings.partitions(), scoring, timers,
                    settings.maxEntryBytes(), meta.version(), new Timestamp(System.currentTimeMillis()));
            int outputFiles = (int) Math.max(1, (todo.size() + settings.rowsPerFile() - 1L) / settings.rowsPerFile());
            // repartition, not coalesce: coalesce would pull the whole scoring into outputFiles tasks
            scored.repartition(outputFiles).write().mode(SaveMode.Overwrite).parquet(Storage.sparkPath(staging));
        }
        double scoreSeconds = (System.nanoTime() - scoreStart) / 1e9;

        // one pass over what was written (before the swap moves the files)
        ScoredFiles.Counts counts = ScoredFiles.countWritten(spark, staging, detector != null);
        long rows = counts.rows();
        long errors = counts.errors();
        long images = counts.images();
        lease.requireHeld();
        swap.swapIn();
        ScoreReport.Timing timing = new ScoreReport.Timing(listSeconds, scoreSeconds, (System.nanoTime() - start) / 1e9,
                timers.read().value() / 1e9, timers.decode().value() / 1e9, timers.inference().value() / 1e9);
        LOG.info("scored {} images{} ({} errors) into {} with model {}; skipped {} files already scored; {} s in all, "
                        + "{} images/s; task-seconds: read {}, decode+resize {}, inference {}",
                images - errors, detector == null ? "" : " as " + (rows - errors) + " face rows", errors, partition,
                meta.version(), listed.size() - todo.size(), String.format("%.1f", timing.totalSeconds()),
                String.format("%.1f", images / scoreSeconds), String.format("%.1f", timing.readTaskSeconds()),
                String.format("%.1f", timing.decodeTaskSeconds()), String.format("%.1f", timing.inferenceTaskSeconds()));
        writeReport(settings.output(), partition, new ScoreReport.Run(settings.runDate(), meta.version(), meta.classes(),
                listed.size(), listed.size() - todo.size(), timing));
        return new Result(listed.size(), listed.size() - todo.size(), rows, rows - errors, errors);
    }

    /** The run's report, under the lease; the partition is committed by now: a failed report must not fail the run. */
    private void writeReport(URI output, URI partition, ScoreReport.Run run) {
        try {
            URI dir = ScoreReport.write(spark, output, partition, run);
            LOG.info("report: {}", Storage.child(dir, ClassificationReport.FILE));
        } catch (RuntimeException e) {
            LOG.warn("{} is committed, but its report could not be written: {}", partition, e.toString());
        }
    }

    /**
     * The listed files that no earlier partition holds as scored without error by this model version at the same
     * modification time, the same way: whole, or per face by the same detector file with the same settings (a run
     * that switches score.faces on, or changes the faces settings, scores the files again). The latest earlier run of
     * a file decides: if its row there has an error, the file is scored
     * again. An archive is one unit, as it is read as one: its entries' rows ({@code <archive>!/<entry>}) and its own
     * row all count for it, and one error among them has the whole archive scored again.
     */
    private List<InputFile> notYetScored(List<InputFile> listed, ScoreSettings settings, String version,
                                         DetectorModel detector) {
        if (!Storage.exists(settings.output(), hadoop) || !hasPartitions(settings.output())) {
            return listed;
        }
        List<Row> listedRows = listed.stream()
                .map(f -> RowFactory.create(f.path(), new Timestamp(f.modificationTime()))).toList();
        Dataset<Row> listedFiles = spark.createDataFrame(listedRows, new StructType()
                .add("listed_path", DataTypes.StringType, false).add("listed_time", DataTypes.TimestampType, false));
        // a row's path names the file it was read from: itself, or for an entry the archive before "!/"
        UserDefinedFunction sources = udf((UDF1<String, String[]>) path ->
                ArchiveEntries.sourcesOf(path).toArray(String[]::new), DataTypes.createArrayType(DataTypes.StringType));
        Dataset<Row> earlier = spark.read().schema(EARLIER_ROWS).parquet(Storage.sparkPath(settings.output()))
                .where(col(RUN_DATE).lt(lit(settings.runDate().toString())).and(col("model_version").equalTo(version))
                        .and(scoredTheSameWay(detector)))
                .select(explode(sources.apply(col("path"))).alias("source"), col("modification_time").alias("source_time"),
                        col(RUN_DATE), col("error").isNotNull().alias("failed"));
        Set<String> done = new HashSet<>();
        earlier.join(listedFiles, col("source").equalTo(col("listed_path"))
                        .and(col("source_time").equalTo(col("listed_time"))), "left_semi")
                .groupBy(col("source"), col("source_time"), col(RUN_DATE)).agg(max(col("failed")).alias("failed"))
                .groupBy(col("source"), col("source_time")).agg(max(struct(col(RUN_DATE), col("failed"))).alias("latest"))
                .where(not(col("latest.failed")))
                .select(col("source"), col("source_time")).collectAsList()
                .forEach(r -> done.add(r.getString(0) + "\n" + r.getTimestamp(1).getTime()));
        return listed.stream().filter(f -> !done.contains(f.path() + "\n" + f.modificationTime())).toList();
    }

    /** Rows scored whole (no face detector), or per face by this detector file with these settings. */
    private static org.apache.spark.sql.Column scoredTheSameWay(DetectorModel detector) {
        org.apache.spark.sql.Column detectorColumn = col(ScoreColumns.FACE_DETECTOR.name());
        return detector == null ? detectorColumn.isNull()
                : detectorColumn.equalTo(detector.describe())
                        .and(col(ScoreColumns.FACE_SETTINGS.name()).equalTo(detector.settings().findingKey()));
    }

    private boolean hasPartitions(URI output) {
        try {
            Path p = new Path(output);
            for (org.apache.hadoop.fs.FileStatus s : p.getFileSystem(hadoop).listStatus(p)) {
                if (s.isDirectory() && s.getPath().getName().startsWith(RUN_DATE + "=")) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + output + ": " + e.getMessage(), e);
        }
    }
}
