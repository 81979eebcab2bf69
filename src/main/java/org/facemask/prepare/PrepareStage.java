package org.facemask.prepare;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.facemask.config.ConfigError;
import org.facemask.config.ImageSettings;
import org.facemask.config.PrepareSettings;
import org.facemask.image.RejectReason;
import org.facemask.storage.Storage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.facemask.prepare.PreparedColumns.*;

/**
 * The prepare stage: list every source, read + decode + resize (in the tasks; an annotated photo's faces cut out),
 * de-duplicate and split (on the driver, from hashes only): {@link #plan}; then, once the caller has made room in
 * the output, write images/, rejects/ and summary.json: {@link #write}. summary.json is written last: its presence
 * means the output is complete.
 */
public final class PrepareStage {
    private static final Logger LOG = LoggerFactory.getLogger(PrepareStage.class);

    private final SparkSession spark;

    public PrepareStage(SparkSession spark) {
        this.spark = spark;
    }

    /**
     * Lists every source on the driver, before Spark starts, and refuses folder sources that cannot train a
     * classifier (a VOC source's labels are known only once its annotations are read, in the tasks).
     *
     * @throws ConfigError naming the input key and the classes found when folder sources alone hold fewer than two
     *                     class folders with a readable file
     */
    public static List<PrepareInput> listInputs(PrepareSettings settings, Configuration hadoop) {
        List<PrepareInput> inputs = settings.inputs().stream().map(in -> PrepareInput.list(in, hadoop, settings)).toList();
        if (inputs.stream().allMatch(i -> i.kind() == PrepareInput.Kind.FOLDERS)) {
            TreeSet<String> classes = new TreeSet<>();
            inputs.forEach(i -> classes.addAll(i.folderClasses()));
            if (classes.size() < 2) {
                throw new ConfigError(settings.inputKey() + " " + shown(settings.inputs()) + " has " + classes.size()
                        + " class folder(s) with files " + classes + ": a classifier needs at least two, one"
                        + " sub-folder per class, e.g. with_mask/ and without_mask/ (hidden folders are no class)");
            }
        }
        return inputs;
    }

    /**
     * A run decoded, de-duplicated and split, with nothing written yet: a run that fails before {@link #write} leaves
     * an earlier output as it was. {@link #close} releases the decoded rows cached for writing.
     */
    public record Planned(PrepareSettings settings, ImageSettings image, List<PrepareInput> inputs,
                          Dataset<Row> decoded, long decodedRows, Map<String, String> sourceOf, List<String> classes,
                          Map<String, Map<String, Long>> rejectedBySource, SplitPlanner.Plan plan, long start)
            implements AutoCloseable {
        @Override
        public void close() {
            decoded.unpersist();
        }
    }

    /**
     * Decodes every source in the tasks and plans the split on the driver; writes nothing.
     *
     * @param inputs what {@link #listInputs} found
     * @throws IllegalStateException when fewer than two classes hold a decodable image
     */
    public Planned plan(PrepareSettings settings, ImageSettings image, List<PrepareInput> inputs) {
        long start = System.nanoTime();
        Dataset<Row> decoded = inputs.stream().map(i -> i.decode(spark, image, settings)).reduce(Dataset::union).orElseThrow()
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            long decodedRows = decoded.count();
            List<Row> accepted = decoded.where(col(REASON).isNull()).select(PATH, LABEL, SHA256, SPLIT_GROUP, SOURCE)
                    .collectAsList();
            List<SplitPlanner.Candidate> candidates = accepted.stream()
                    .map(r -> new SplitPlanner.Candidate(r.getString(0), r.getString(1), r.getString(2), r.getString(3)))
                    .toList();
            Map<String, String> sourceOf = new HashMap<>();
            accepted.forEach(r -> sourceOf.put(r.getString(0), r.getString(4)));
            List<String> classes = classes(inputs, candidates);
            Map<String, Map<String, Long>> rejectedBySource = decodeRejectsBySource(decoded);
            Map<String, Long> decodeRejects = byReason(rejectedBySource);
            LOG.info("decoded {} images ({} rejected: {}) in {}", candidates.size(), decodedRows - candidates.size(),
                    decodeRejects, seconds(start));

            requireTwoClasses(candidates, settings, decodeRejects);
            SplitPlanner.Plan plan = SplitPlanner.plan(candidates, settings.split(), settings.seed());
            Map<Split, Map<String, Long>> counts = plan.counts(classes);
            LOG.info("kept {} unique images, rejected {} copies; split {}; class balance {}", plan.accepted().size(),
                    plan.rejected().size(), counts, PrepareSummary.shares(counts));
            return new Planned(settings, image, inputs, decoded, decodedRows, sourceOf, classes, rejectedBySource, plan,
                    start);
        } catch (RuntimeException e) {
            decoded.unpersist();
            throw e;
        }
    }

    /**
     * Writes images/, rejects/ and, last, summary.json into {@code settings.output()}, which the caller has made
     * room for.
     */
    public PrepareSummary write(Planned planned) {
        PrepareSettings settings = planned.settings;
        SplitPlanner.Plan plan = planned.plan;
        // the decode rejects, then the driver's: a copy, so that the plan stays as it was
        Map<String, Map<String, Long>> rejectedBySource = new TreeMap<>();
        planned.rejectedBySource.forEach((source, counts) -> rejectedBySource.put(source, new TreeMap<>(counts)));
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        List<Row> listingRejects = planned.inputs.stream().flatMap(i -> i.listingRejects().stream()).toList();
        long writeStart = System.nanoTime();
        long written = writeImages(planned.decoded, plan, settings.output());
        List<Row> planRejects = plan.rejected().stream()
                .map(r -> RowFactory.create(r.path(), r.label(), r.reason().code(), r.detail(), planned.sourceOf.get(r.path())))
                .toList();
        List<Row> driverSide = new ArrayList<>(planRejects);
        driverSide.addAll(listingRejects);
        long rejectCount = writeRejects(planned.decoded, driverSide, settings.output());
        LOG.info("wrote {} images and {} rejects to {} in {}", written, rejectCount, settings.output(),
                seconds(writeStart));

        driverSide.forEach(r -> rejectedBySource.computeIfAbsent(r.getString(4), k -> new TreeMap<>())
                .merge(r.getString(2), 1L, Long::sum));
        Map<String, Long> byReason = byReason(rejectedBySource);
        long total = planned.decodedRows + listingRejects.size();
        if (written != plan.accepted().size() || written + rejectCount != total) {
            throw new IllegalStateException("accounting error: " + total + " files, but " + written
                    + " images + " + rejectCount + " rejects were written; output " + settings.output()
                    + " is incomplete");
        }
        Map<String, PrepareSummary.Source> sources = new LinkedHashMap<>();
        for (PrepareInput input : planned.inputs) {
            List<SplitPlanner.Assignment> fromSource = plan.accepted().stream()
                    .filter(a -> input.source().equals(planned.sourceOf.get(a.path()))).toList();
            Map<String, Long> rejected = rejectedBySource.getOrDefault(input.source(), Map.of());
            sources.put(input.source(), new PrepareSummary.Source(input.kind().code(), fromSource.size(),
                    rejected.values().stream().mapToLong(Long::longValue).sum(),
                    PrepareSummary.byCode(SplitPlanner.counts(fromSource, planned.classes)), rejected));
        }
        PrepareSummary summary = new PrepareSummary(total, written, rejectCount,
                byReason.getOrDefault(RejectReason.DUPLICATE.code(), 0L), planned.classes,
                PrepareSummary.byCode(plan.counts(planned.classes)), byReason, sources, planned.image.size(),
                settings.seed(), (System.nanoTime() - planned.start) / 1e9);
        summary.write(settings.output(), hadoop);
        LOG.info("prepare done: {} files, {} accepted, {} rejected ({} duplicates, {} hidden) from {} source(s) in {}",
                total, written, rejectCount, summary.duplicates(),
                byReason.getOrDefault(RejectReason.HIDDEN.code(), 0L), sources.size(), seconds(planned.start));
        return summary;
    }

    /** Class folders (even those whose every file was rejected) and the labels of annotated faces, sorted. */
    private static List<String> classes(List<PrepareInput> inputs, List<SplitPlanner.Candidate> candidates) {
        TreeSet<String> classes = new TreeSet<>();
        inputs.forEach(i -> classes.addAll(i.folderClasses()));
        candidates.forEach(c -> classes.add(c.label()));
        return List.copyOf(classes);
    }

    /** Decoding may leave a class with no image at all (every file damaged): train would fail deep inside DL4J. */
    private static void requireTwoClasses(List<SplitPlanner.Candidate> decoded, PrepareSettings settings,
                                          Map<String, Long> rejects) {
        Set<String> withImages = new TreeSet<>();
        decoded.forEach(c -> withImages.add(c.label()));
        if (withImages.size() < 2) {
            throw new IllegalStateException(settings.inputKey() + " " + shown(settings.inputs()) + ": only " + withImages.size()
                    + " class(es) hold decodable images " + withImages + " (rejected: " + rejects
                    + "); a classifier needs at least two. Nothing was written.");
        }
    }

    private long writeImages(Dataset<Row> decoded, SplitPlanner.Plan plan, URI output) {
        List<Row> assignments = plan.accepted().stream()
                .map(a -> RowFactory.create(a.path(), a.split().code())).toList();
        Dataset<Row> images = decoded.join(broadcast(spark.createDataFrame(assignments, ASSIGNMENTS)), PATH)
                .select(PATH, LABEL, SPLIT, SHA256, FORMAT, WIDTH, HEIGHT, PIXELS, SOURCE);
        String dir = Storage.sparkPath(Storage.child(output, IMAGES_DIR));
        images.write().mode(SaveMode.ErrorIfExists).partitionBy(SPLIT).parquet(dir);
        return spark.read().parquet(dir).count();
    }

    private long writeRejects(Dataset<Row> decoded, List<Row> driverSide, URI output) {
        Dataset<Row> rejects = decoded.where(col(REASON).isNotNull()).select(PATH, LABEL, REASON, DETAIL, SOURCE)
                .unionByName(spark.createDataFrame(driverSide, REJECTS));
        String dir = Storage.sparkPath(Storage.child(output, REJECTS_DIR));
        // rejects are few and small: one file is easiest to read
        rejects.coalesce(1).write().mode(SaveMode.ErrorIfExists).parquet(dir);
        return spark.read().parquet(dir).count();
    }

    /** Rows the tasks rejected, per source and reason. */
    private static Map<String, Map<String, Long>> decodeRejectsBySource(Dataset<Row> decoded) {
        Map<String, Map<String, Long>> out = new TreeMap<>();
        decoded.where(col(REASON).isNotNull()).groupBy(SOURCE, REASON).count().collectAsList()
                .forEach(r -> out.computeIfAbsent(r.getString(0), k -> new TreeMap<>()).put(r.getString(1), r.getLong(2)));
        return out;
    }

    private static Map<String, Long> byReason(Map<String, Map<String, Long>> bySource) {
        Map<String, Long> out = new TreeMap<>();
        bySource.values().forEach(m -> m.forEach((reason, n) -> out.merge(reason, n, Long::sum)));
        return out;
    }

    /** The inputs as the operator set them: one location, or the list. */
    private static String shown(List<URI> inputs) {
        return inputs.size() == 1 ? inputs.get(0).toString() : inputs.toString();
    }

    static String seconds(long startNanos) {
        return String.format("%.1f s", (System.nanoTime() - startNanos) / 1e9);
    }
}
