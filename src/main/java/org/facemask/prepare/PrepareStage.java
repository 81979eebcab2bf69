package org.facemask.prepare;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.facemask.config.ImageSettings;
import org.facemask.config.PrepareSettings;
import org.facemask.image.RejectReason;
import org.facemask.storage.Storage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.facemask.prepare.PreparedColumns.*;

/**
 * The prepare stage: list, read + decode + resize (in the tasks), de-duplicate and split (on the driver, from
 * hashes only), then write images/, rejects/ and summary.json. summary.json is written last: its presence means the
 * output is complete.
 */
public final class PrepareStage {
    private static final Logger LOG = LoggerFactory.getLogger(PrepareStage.class);

    private final SparkSession spark;

    public PrepareStage(SparkSession spark) {
        this.spark = spark;
    }

    public PrepareSummary run(PrepareSettings settings, ImageSettings image) {
        long start = System.nanoTime();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();

        ImageFolder folder = ImageFolder.read(spark, settings.input(), image, settings.listingThreads(),
                settings.partitions());
        InputListing listing = folder.listing();
        List<InputFile> labelled = folder.labelledFiles();
        List<Row> listingRejects = listing.files().stream().filter(f -> f.label() == null)
                .map(f -> RowFactory.create(f.path(), null, RejectReason.NO_CLASS_FOLDER.code(),
                        "file is directly in the input folder; put images in one folder per class"))
                .toList();
        if (labelled.isEmpty()) {
            throw new IllegalArgumentException("no files in class folders under " + settings.input()
                    + ": expected one sub-folder per class, e.g. with_mask/ and without_mask/");
        }

        long decodeStart = System.nanoTime();
        int partitions = folder.partitions();
        Dataset<Row> decoded = folder.decoded().persist(StorageLevel.MEMORY_AND_DISK());
        try {
            List<SplitPlanner.Candidate> candidates = decoded.where(col(REASON).isNull())
                    .select(PATH, LABEL, SHA256).collectAsList().stream()
                    .map(r -> new SplitPlanner.Candidate(r.getString(0), r.getString(1), r.getString(2)))
                    .toList();
            Map<String, Long> decodeRejects = countByReason(decoded.where(col(REASON).isNotNull()));
            LOG.info("decoded {} images ({} rejected: {}) in {} partitions in {}", candidates.size(),
                    labelled.size() - candidates.size(), decodeRejects, partitions, seconds(decodeStart));

            SplitPlanner.Plan plan = SplitPlanner.plan(candidates, settings.split(), settings.seed());
            Map<Split, Map<String, Long>> counts = plan.counts(listing.classes());
            LOG.info("kept {} unique images, rejected {} copies; split {}", plan.accepted().size(),
                    plan.rejected().size(), counts);

            long writeStart = System.nanoTime();
            long written = writeImages(decoded, plan, settings.output());
            List<Row> planRejects = plan.rejected().stream()
                    .map(r -> RowFactory.create(r.path(), r.label(), r.reason().code(), r.detail()))
                    .toList();
            long rejectCount = writeRejects(decoded, planRejects, listingRejects, settings.output());
            LOG.info("wrote {} images and {} rejects to {} in {}", written, rejectCount, settings.output(),
                    seconds(writeStart));

            Map<String, Long> byReason = new TreeMap<>(decodeRejects);
            plan.rejected().forEach(r -> byReason.merge(r.reason().code(), 1L, Long::sum));
            if (!listingRejects.isEmpty()) {
                byReason.merge(RejectReason.NO_CLASS_FOLDER.code(), (long) listingRejects.size(), Long::sum);
            }
            long total = listing.files().size();
            if (written != plan.accepted().size() || written + rejectCount != total) {
                throw new IllegalStateException("accounting error: " + total + " files, but " + written
                        + " images + " + rejectCount + " rejects were written; output " + settings.output()
                        + " is incomplete");
            }
            Map<String, Map<String, Long>> splits = new LinkedHashMap<>();
            counts.forEach((split, perClass) -> splits.put(split.code(), perClass));
            PrepareSummary summary = new PrepareSummary(total, written, rejectCount,
                    byReason.getOrDefault(RejectReason.DUPLICATE.code(), 0L), listing.classes(), splits, byReason,
                    image.size(), settings.seed(), settings.input().toString(), (System.nanoTime() - start) / 1e9);
            Storage.writeString(Storage.child(settings.output(), SUMMARY_FILE), summary.toJson(), hadoop);
            LOG.info("prepare done: {} files, {} accepted, {} rejected ({} duplicates) in {}", total, written,
                    rejectCount, summary.duplicates(), seconds(start));
            return summary;
        } finally {
            decoded.unpersist();
        }
    }

    private long writeImages(Dataset<Row> decoded, SplitPlanner.Plan plan, URI output) {
        List<Row> assignments = plan.accepted().stream()
                .map(a -> RowFactory.create(a.path(), a.split().code())).toList();
        Dataset<Row> images = decoded.join(broadcast(spark.createDataFrame(assignments, ASSIGNMENTS)), PATH)
                .select(PATH, LABEL, SPLIT, SHA256, FORMAT, WIDTH, HEIGHT, PIXELS);
        String dir = Storage.sparkPath(Storage.child(output, IMAGES_DIR));
        images.write().mode(SaveMode.ErrorIfExists).partitionBy(SPLIT).parquet(dir);
        return spark.read().parquet(dir).count();
    }

    private long writeRejects(Dataset<Row> decoded, List<Row> planRejects, List<Row> listingRejects, URI output) {
        List<Row> driverSide = new ArrayList<>(planRejects);
        driverSide.addAll(listingRejects);
        Dataset<Row> rejects = decoded.where(col(REASON).isNotNull()).select(PATH, LABEL, REASON, DETAIL)
                .unionByName(spark.createDataFrame(driverSide, REJECTS));
        String dir = Storage.sparkPath(Storage.child(output, REJECTS_DIR));
        // rejects are few and small: one file is easiest to read
        rejects.coalesce(1).write().mode(SaveMode.ErrorIfExists).parquet(dir);
        return spark.read().parquet(dir).count();
    }

    private static Map<String, Long> countByReason(Dataset<Row> rejects) {
        Map<String, Long> out = new TreeMap<>();
        rejects.groupBy(REASON).count().collectAsList().forEach(r -> out.put(r.getString(0), r.getLong(1)));
        return out;
    }

    static String seconds(long startNanos) {
        return String.format("%.1f s", (System.nanoTime() - startNanos) / 1e9);
    }
}
