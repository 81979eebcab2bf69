package org.facemask.score;

import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.facemask.inference.ImageScorer;
import org.facemask.source.FilePartitions;
import org.facemask.source.InputFile;
import org.facemask.storage.BroadcastHadoopConf;
import org.facemask.storage.Storage;

import java.io.Serializable;
import java.net.URI;
import java.sql.Timestamp;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;

/**
 * Listed files to output rows ({@link ScoreColumns#OUTPUT}), as the score job and the stream job both score them:
 * the files spread over Spark partitions, each read (an archive entry by entry) and scored by {@link ScorePartition}
 * through the shared {@link ImageScorer}, one row per image or per face, the per-run columns added.
 */
public final class ScoredFiles {
    private static final int FILES_PER_PARTITION = 64;

    private ScoredFiles() {
    }

    /** Task-seconds per phase, for a run's closing log line and the benchmark. */
    public record Timers(LongAccumulator read, LongAccumulator decode, LongAccumulator inference) implements Serializable {
        public static Timers register(SparkContext sc) {
            return new Timers(sc.longAccumulator("read"), sc.longAccumulator("decode"), sc.longAccumulator("inference"));
        }
    }

    /** What the rows written for some files hold: per face, one image is several rows (or one with faces_found 0). */
    public record Counts(long rows, long errors, long images) {
    }

    /**
     * The rows of {@code files} (lazy: nothing is read before the result is written).
     *
     * @param partitions    Spark partitions to score in; 0 = about 64 files a partition, at least 2 per core
     * @param maxEntryBytes archive entries larger than this are a row with the reason, never buffered
     * @param scoredAt      the {@code scored_at} of every row
     */
    public static Dataset<Row> rows(SparkSession spark, List<InputFile> files, int partitions, ImageScorer.Setup scoring,
                                    Timers timers, long maxEntryBytes, String modelVersion, Timestamp scoredAt) {
        JavaRDD<InputFile> rdd = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(files,
                FilePartitions.of(spark, partitions, files.size(), FILES_PER_PARTITION));
        Dataset<Row> scored = spark.createDataFrame(rdd.mapPartitions(new ScorePartition(
                new BroadcastHadoopConf(spark), scoring, timers, maxEntryBytes)), ScoreColumns.taskSchema());
        Map<String, Object> perRun = new HashMap<>();
        perRun.put(ScoreColumns.MODEL_VERSION.name(), modelVersion);
        perRun.put(ScoreColumns.SCORED_AT.name(), scoredAt);
        if (scoring.detector() != null) {
            perRun.put(ScoreColumns.FACE_DETECTOR.name(), scoring.detector().describe());
            perRun.put(ScoreColumns.FACE_SETTINGS.name(), scoring.detector().settings().findingKey());
        }
        Column[] columns = ScoreColumns.select(scoring.classes(), scoring.detector() != null, perRun);
        return scored.select(columns);
    }

    /** One pass over the Parquet files written at {@code written}. */
    public static Counts countWritten(SparkSession spark, URI written, boolean perFace) {
        Row counts = spark.read().parquet(Storage.sparkPath(written)).agg(count(lit(1)), count(col("error")),
                perFace ? countDistinct(col("path")) : count(lit(1))).head();
        return new Counts(counts.getLong(0), counts.getLong(1), counts.getLong(2));
    }
}
