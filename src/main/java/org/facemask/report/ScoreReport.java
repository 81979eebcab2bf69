package org.facemask.report;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.facemask.evaluate.Plots;
import org.facemask.score.ScoreColumns;
import org.facemask.storage.Json;
import org.facemask.storage.Storage;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring_index;

/**
 * The report of one scoring run: {@code <score.output>/_reports/run_date=<date>/report.json} (its figures, and the
 * next night's baseline) and {@code report.html} rendered from it and the previous run date's report.json. Computed
 * from the committed partition, so it shows what readers of the output get. Under {@code _reports/}: Spark's readers
 * skip {@code _}-folders, so the reports are never read as a partition or scored as an input.
 */
public final class ScoreReport {
    public static final String DIR = "_reports";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ScoreReport.class);
    public static final String JSON_FILE = "report.json";
    static final int BINS = 10;
    static final int EXAMPLES = 3;
    /** A label share or error share that moved this many points since the previous night is marked. */
    private static final double NOTABLE_CHANGE = 0.05;

    private ScoreReport() {
    }

    /** Where the run's time went: wall-clock seconds of its phases, and task-seconds summed over the executors. */
    public record Timing(double listSeconds, double scoreSeconds, double totalSeconds, double readTaskSeconds,
                         double decodeTaskSeconds, double inferenceTaskSeconds) {
    }

    /** What the run did besides the rows it wrote. */
    public record Run(LocalDate runDate, String modelVersion, List<String> classes, long listedFiles, long skippedFiles,
                      Timing timing) {
    }

    /** @return the folder written: {@code _reports/run_date=<date>} */
    public static URI write(SparkSession spark, URI output, URI partition, Run run) {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        String json = Json.write(summarize(spark.read().parquet(Storage.sparkPath(partition)), run));
        URI reports = Storage.child(output, DIR);
        URI dir = Storage.child(reports, "run_date=" + run.runDate());
        Map<String, Object> previous = previous(reports, run.runDate(), hadoop);
        Storage.writeString(Storage.child(dir, JSON_FILE), json, hadoop);
        // the page shows report.json as it reads back, the same figures as the next night's comparison uses
        Storage.writeString(Storage.child(dir, ClassificationReport.FILE), render(Json.toMap(Json.read(json)), previous),
                hadoop);
        return dir;
    }

    /** The figures of report.json from the partition's rows. */
    static Map<String, Object> summarize(Dataset<Row> rows, Run run) {
        boolean faces = Arrays.asList(rows.columns()).contains("face_index");
        Row counts = rows.agg(count(lit(1)), count(col("error")), faces ? countDistinct(col("path")) : count(lit(1))).head();
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("run_date", run.runDate().toString());
        report.put("model_version", run.modelVersion());
        report.put("classes", run.classes());
        report.put("row_per", faces ? "face" : "image");
        report.put("files_listed", run.listedFiles());
        report.put("files_skipped_as_scored", run.skippedFiles());
        report.put("rows", counts.getLong(0));
        report.put("images", counts.getLong(2));
        report.put("errors", counts.getLong(1));

        Map<String, Object> byReason = new TreeMap<>();
        Column reason = substring_index(col("error"), ":", 1);
        rows.where(col("error").isNotNull()).groupBy(reason.alias("reason")).count().collectAsList()
                .forEach(r -> byReason.put(r.getString(0), new LinkedHashMap<>(Map.of("count", r.getLong(1),
                        "examples", new ArrayList<String>()))));
        rows.where(col("error").isNotNull()).select(reason.alias("reason"), col("path"))
                .withColumn("n", row_number().over(Window.partitionBy("reason").orderBy("path")))
                .where(col("n").leq(EXAMPLES)).orderBy("reason", "n").collectAsList()
                .forEach(r -> examples(byReason.get(r.getString(0))).add(r.getString(1)));
        report.put("errors_by_reason", byReason);

        Map<String, Object> labels = new TreeMap<>();
        rows.where(col("label").isNotNull()).groupBy("label").count().collectAsList()
                .forEach(r -> labels.put(r.getString(0), r.getLong(1)));
        report.put("labels", labels);
        report.put("probability_histogram", histogram(rows, run.classes()));

        Timing t = run.timing();
        Map<String, Object> time = new LinkedHashMap<>();
        time.put("list_seconds", round(t.listSeconds()));
        time.put("score_seconds", round(t.scoreSeconds()));
        time.put("total_seconds", round(t.totalSeconds()));
        time.put("read_task_seconds", round(t.readTaskSeconds()));
        time.put("decode_task_seconds", round(t.decodeTaskSeconds()));
        time.put("inference_task_seconds", round(t.inferenceTaskSeconds()));
        time.put("images_per_second", t.scoreSeconds() > 0 ? round(counts.getLong(2) / t.scoreSeconds()) : null);
        report.put("time", time);
        return report;
    }

    @SuppressWarnings("unchecked")
    private static List<String> examples(Object reasonBlock) {
        return (List<String>) ((Map<String, Object>) reasonBlock).get("examples");
    }

    /** Per class, how many rows have p_class in [0, 0.1), [0.1, 0.2) ... [0.9, 1]. */
    private static Map<String, Object> histogram(Dataset<Row> rows, List<String> classes) {
        List<Column> buckets = new ArrayList<>();
        for (int k = 0; k < classes.size(); k++) {
            buckets.add(struct(lit(k).alias("k"), least(floor(col(ScoreColumns.probabilityColumn(classes.get(k))).multiply(BINS)),
                    lit(BINS - 1)).cast("int").alias("bin")));
        }
        long[][] counts = new long[classes.size()][BINS];
        rows.where(col("label").isNotNull()).select(explode(array(buckets.toArray(Column[]::new))).alias("b"))
                .groupBy(col("b.k"), col("b.bin")).count().collectAsList()
                .forEach(r -> counts[r.getInt(0)][r.getInt(1)] += r.getLong(2));
        Map<String, Object> histogram = new LinkedHashMap<>();
        for (int k = 0; k < classes.size(); k++) {
            histogram.put(ScoreColumns.probabilityColumn(classes.get(k)), counts[k]);
        }
        return histogram;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    /** The report.json of the latest earlier run date, or null when there is none (or it cannot be read). */
    static Map<String, Object> previous(URI reports, LocalDate runDate, Configuration hadoop) {
        Path dir = new Path(reports);
        FileSystem fs = Storage.fileSystem(reports, hadoop);
        TreeSet<LocalDate> earlier = new TreeSet<>();
        try {
            for (FileStatus s : fs.listStatus(dir)) {
                String name = s.getPath().getName();
                if (s.isDirectory() && name.startsWith("run_date=")) {
                    try {
                        LocalDate d = LocalDate.parse(name.substring("run_date=".length()));
                        if (d.isBefore(runDate) && fs.exists(new Path(s.getPath(), JSON_FILE))) {
                            earlier.add(d);
                        }
                    } catch (java.time.format.DateTimeParseException e) {
                        // not one of ours: ignored
                    }
                }
            }
        } catch (FileNotFoundException e) {
            return null; // the first report
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        if (earlier.isEmpty()) {
            return null;
        }
        URI file = Storage.child(Storage.child(reports, "run_date=" + earlier.last()), JSON_FILE);
        try {
            return Json.toMap(Json.read(new String(Storage.readBytes(file, hadoop), StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException | UncheckedIOException e) {
            // a damaged baseline must not cost this night its report (and with it the next night's baseline)
            LOG.warn("cannot read the previous report {} ({}): this report has no comparison", file, e.getMessage());
            return null;
        }
    }

    static String render(Map<String, Object> report, Map<String, Object> previous) {
        String rowPer = String.valueOf(report.get("row_per"));
        Html page = new Html("Scoring run " + report.get("run_date"));
        long rows = ((Number) report.get("rows")).longValue();
        long errors = ((Number) report.get("errors")).longValue();
        Map<String, Object> time = map(report.get("time"));
        page.section("Summary").table(List.of("rows (one per " + rowPer + ")", "images", "scored rows", "errors",
                "images/s", "total seconds", "model version"), List.of(List.of(Html.Cell.number(rows, "rows"),
                Html.Cell.number(report.get("images"), "images"), Html.Cell.number(rows - errors, "scored"),
                Html.Cell.number(errors, "errors"), new Html.Cell(Html.number(time.get("images_per_second"), 1), true, "images_per_second", null),
                Html.Cell.seconds(time.get("total_seconds")), Html.Cell.text(String.valueOf(report.get("model_version"))))));
        page.paragraph(report.get("files_listed") + " files listed, " + report.get("files_skipped_as_scored")
                + " skipped as already scored by this model in an earlier run date (their rows are there).", "muted")
                .endSection();
        comparison(page, report, previous);
        errors(page, map(report.get("errors_by_reason")));
        labels(page, report, rows - errors);
        page.section("Time").table(List.of("phase", "seconds"), List.of(
                List.of(Html.Cell.text("listing the input (wall clock)"), Html.Cell.seconds(time.get("list_seconds"))),
                List.of(Html.Cell.text("scoring and writing (wall clock)"), Html.Cell.seconds(time.get("score_seconds"))),
                List.of(Html.Cell.text("whole run (wall clock)"), Html.Cell.seconds(time.get("total_seconds"))),
                List.of(Html.Cell.text("reading files (task-seconds)"), Html.Cell.seconds(time.get("read_task_seconds"))),
                List.of(Html.Cell.text("decoding and resizing (task-seconds)"), Html.Cell.seconds(time.get("decode_task_seconds"))),
                List.of(Html.Cell.text("inference (task-seconds)"), Html.Cell.seconds(time.get("inference_task_seconds")))))
                .endSection();
        return page.render();
    }

    private static void errors(Html page, Map<String, Object> byReason) {
        page.section("Errors by reason");
        if (byReason.isEmpty()) {
            page.paragraph("None.").endSection();
            return;
        }
        List<List<Html.Cell>> table = new ArrayList<>();
        byReason.forEach((reason, v) -> {
            Map<String, Object> block = map(v);
            table.add(List.of(Html.Cell.text(reason), Html.Cell.number(block.get("count"), "errors." + reason),
                    Html.Cell.text(String.join("\n", examples(block)))));
        });
        page.table(List.of("reason", "rows", "examples"), table).endSection();
    }

    private static void labels(Html page, Map<String, Object> report, long scored) {
        @SuppressWarnings("unchecked")
        List<String> classes = (List<String>) report.get("classes");
        Map<String, Object> labels = map(report.get("labels"));
        List<List<Html.Cell>> table = new ArrayList<>();
        for (String c : classes) {
            long n = labels.get(c) == null ? 0 : ((Number) labels.get(c)).longValue();
            table.add(List.of(Html.Cell.text(c), Html.Cell.number(n, "labels." + c),
                    Html.Cell.number(scored == 0 ? null : (double) n / scored)));
        }
        page.section("Labels").table(List.of("label", "rows", "share"), table);
        Map<String, Object> histogram = map(report.get("probability_histogram"));
        List<String> bins = new ArrayList<>();
        for (int b = 0; b < BINS; b++) {
            bins.add(String.format(java.util.Locale.ROOT, "%.1f", b / (double) BINS));
        }
        List<double[]> values = histogram.values().stream().map(v -> ((List<?>) v).stream()
                .mapToDouble(n -> ((Number) n).doubleValue()).toArray()).toList();
        page.charts(List.of(Plots.bars("Probability per class", "probability (bin start)", "rows", bins,
                new ArrayList<>(histogram.keySet()), values).svg())).endSection();
    }

    /** This night against the previous report: rows, error share and counts, label shares. */
    private static void comparison(Html page, Map<String, Object> report, Map<String, Object> previous) {
        page.section("Compared with the previous run");
        if (previous == null) {
            page.paragraph("No earlier report in " + DIR + "/ to compare with (this is the first, or the previous one "
                    + "could not be read: see the log).").endSection();
            return;
        }
        page.paragraph("Previous: run_date " + previous.get("run_date") + ", model " + previous.get("model_version")
                + (String.valueOf(previous.get("model_version")).equals(String.valueOf(report.get("model_version")))
                ? "" : " (a different model)") + ". Shares that moved " + Math.round(NOTABLE_CHANGE * 100)
                + " points or more are marked.");
        List<List<Html.Cell>> table = new ArrayList<>();
        table.add(countRow("rows", report.get("rows"), previous.get("rows")));
        table.add(shareRow("error share", share(report, "errors", "rows"), share(previous, "errors", "rows")));
        Map<String, Object> errorsNow = map(report.get("errors_by_reason"));
        Map<String, Object> errorsThen = map(previous.get("errors_by_reason"));
        TreeSet<String> reasons = new TreeSet<>(errorsNow.keySet());
        reasons.addAll(errorsThen.keySet());
        for (String r : reasons) {
            table.add(countRow("errors: " + r, map(errorsNow.get(r)).getOrDefault("count", 0L),
                    map(errorsThen.get(r)).getOrDefault("count", 0L)));
        }
        Map<String, Object> labelsNow = map(report.get("labels"));
        Map<String, Object> labelsThen = map(previous.get("labels"));
        @SuppressWarnings("unchecked")
        TreeSet<String> labels = new TreeSet<>((List<String>) report.get("classes"));
        labels.addAll(labelsNow.keySet());
        labels.addAll(labelsThen.keySet());
        for (String l : labels) {
            table.add(shareRow("share " + l, labelShare(report, l), labelShare(previous, l)));
        }
        page.table(List.of("", "this run", "previous", "change"), table).endSection();
    }

    private static List<Html.Cell> countRow(String name, Object now, Object then) {
        long n = ((Number) now).longValue();
        long t = ((Number) then).longValue();
        return List.of(Html.Cell.text(name), Html.Cell.number(n), Html.Cell.number(t),
                new Html.Cell((n >= t ? "+" : "") + (n - t), true, "change." + name, null));
    }

    private static List<Html.Cell> shareRow(String name, Double now, Double then) {
        String change = now == null || then == null ? "n/a"
                : String.format(java.util.Locale.ROOT, "%+.1f points", 100 * (now - then));
        boolean notable = now != null && then != null && Math.abs(now - then) >= NOTABLE_CHANGE;
        return List.of(Html.Cell.text(name), Html.Cell.number(now), Html.Cell.number(then),
                new Html.Cell(notable ? change + " (!)" : change, true, null, notable ? "color:#b35900;font-weight:bold" : null));
    }

    private static Double share(Map<String, Object> report, String part, String whole) {
        double w = ((Number) report.get(whole)).doubleValue();
        return w == 0 ? null : ((Number) report.get(part)).doubleValue() / w;
    }

    private static Double labelShare(Map<String, Object> report, String label) {
        long scored = ((Number) report.get("rows")).longValue() - ((Number) report.get("errors")).longValue();
        Object n = map(report.get("labels")).get(label);
        return scored == 0 ? null : (n == null ? 0 : ((Number) n).doubleValue()) / scored;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
