package org.facemask.job;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.facemask.config.PipelineConfig;
import org.facemask.model.BaseWeightsSource;
import org.facemask.report.ClassificationReport;
import org.facemask.report.ScoreReport;
import org.facemask.score.ScoreStage;
import org.facemask.storage.Location;
import org.facemask.storage.Storage;

import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.greatest;

/**
 * {@code pipeline}: prepare, train and evaluate in one Spark session, as the README's first command runs them on
 * the sample set, then score {@code score.input} with the new model when it is set. Everything that can be checked
 * before the prepared dataset exists is checked before Spark starts; train, evaluate and score are checked (and
 * their inputs read) once their input has been written. Ends with where every output is and a few scored rows.
 *
 * @param score whether score.input is set
 */
record PipelineAction(PipelineConfig config, PrepareAction prepare, boolean score) implements Action<PipelineAction.Result> {
    private static final int PREVIEW_ROWS = 8;

    /**
     * @param score   null when score.input is not set
     * @param scores  the first scored rows, null when nothing was scored
     */
    record Result(PrepareAction.Result prepare, TrainAction.Result train, EvaluateAction.Result evaluate,
                  ScoreAction.Result score, ScoresPreview scores) implements Action.Result {
        @Override
        public void print(PrintStream out) {
            prepare.print(out);
            train.print(out);
            evaluate.print(out);
            if (score != null) {
                score.print(out);
            }
            out.printf("%noutputs:%n  prepared images  %s%n  model            %s (model.zip, metadata.json, "
                            + "metrics.json, report.html, plots)%n  evaluation       %s (metrics.json, report.html, plots)%n",
                    prepare.output(), train.output(), evaluate.output());
            if (scores != null) {
                scores.print(out);
            }
        }
    }

    /**
     * The partition just written, and its first rows as a person reads them.
     *
     * @param labelled rows with a label (the others are errors)
     * @param rows     photo, face box (when faces were scored), label and the highest probability, as printed
     */
    record ScoresPreview(URI partition, URI report, boolean faces, long labelled, List<List<String>> rows) {
        void print(PrintStream out) {
            out.printf("  scores           %s (Parquet, one row per %s)%n", partition, faces ? "face" : "image");
            out.printf("  score report     %s%n", report);
            String format = faces ? "  %-40s %-18s %-13s %s%n" : "  %-40s %-13s %s%n";
            out.printf("%nfirst %d of %d scored %s:%n", rows.size(), labelled, faces ? "faces" : "images");
            out.printf(format, (Object[]) (faces ? new String[]{"photo", "face box x,y,w,h", "label", "probability"}
                    : new String[]{"photo", "label", "probability"}));
            rows.forEach(r -> out.printf(format, r.toArray()));
        }
    }

    static PipelineAction check(PipelineConfig config) {
        PrepareAction prepare = PrepareAction.check(config);
        Configuration hadoop = Storage.hadoopConf(config.spark().conf());
        BaseWeightsSource weights = BaseWeightsSource.resolve(config.model(), config.image().size(), hadoop);
        // every output apart from every input, model and earlier output, before the first one is written
        List<Location> earlier = new ArrayList<>(PrepareAction.inputLocations(config.prepare()));
        earlier.add(new Location("prepare.output", config.prepare().output()));
        TrainAction.checkedOutput(config.train(), weights, earlier, hadoop);
        earlier.add(new Location("train.output", config.train().output()));
        EvaluateAction.checkedOutput(config.evaluate(), earlier, hadoop);
        boolean score = config.section("score", c -> !c.getString("input").isBlank());
        if (score) {
            ScoreAction.checkInputs(config, hadoop);
        }
        return new PipelineAction(config, prepare, score);
    }

    @Override
    public Result execute(SparkSession spark) {
        PrepareAction.Result prepared = prepare.execute(spark);
        TrainAction.Result trained = TrainAction.check(config).execute(spark);
        EvaluateAction.Result evaluated = EvaluateAction.check(config).execute(spark);
        if (!score) {
            return new Result(prepared, trained, evaluated, null, null);
        }
        ScoreAction.Result scored = ScoreAction.check(config).execute(spark);
        return new Result(prepared, trained, evaluated, scored, preview(spark, scored));
    }

    private static ScoresPreview preview(SparkSession spark, ScoreAction.Result scored) {
        URI partition = scored.partition();
        Dataset<Row> rows = spark.read().parquet(Storage.sparkPath(partition));
        List<String> columns = Arrays.asList(rows.columns());
        boolean faces = columns.contains("face_index");
        URI report = Storage.child(Storage.child(Storage.child(scored.output(), ScoreReport.DIR),
                ScoreStage.RUN_DATE + "=" + scored.runDate()), ClassificationReport.FILE);

        List<Column> shown = new ArrayList<>(List.of(col("path")));
        if (faces) {
            shown.add(format_string("%.0f,%.0f,%.0f,%.0f", col("box_x"), col("box_y"), col("box_w"), col("box_h")));
        }
        shown.add(col("label"));
        shown.add(greatest(columns.stream().filter(c -> c.startsWith("p_")).map(c -> col(c)).toArray(Column[]::new)));
        Dataset<Row> labelled = rows.where(col("label").isNotNull());
        List<Row> first = labelled.orderBy(faces ? new Column[]{col("path"), col("face_index")} : new Column[]{col("path")})
                .select(shown.toArray(Column[]::new)).limit(PREVIEW_ROWS).collectAsList();
        List<List<String>> printed = new ArrayList<>();
        for (Row r : first) {
            List<String> values = new ArrayList<>(List.of(displayName(r.getString(0))));
            for (int i = 1; i < r.size() - 1; i++) {
                values.add(String.valueOf(r.get(i)));
            }
            values.add(String.format("%.3f", r.getFloat(r.size() - 1)));
            printed.add(List.copyOf(values));
        }
        return new ScoresPreview(partition, report, faces, labelled.count(), List.copyOf(printed));
    }

    /** The file name, and for an archive entry the archive's name with the entry: photos.zip!/a.jpg. */
    static String displayName(String path) {
        int entry = path.indexOf("!/");
        String file = entry < 0 ? path : path.substring(0, entry);
        return file.substring(file.lastIndexOf('/') + 1) + (entry < 0 ? "" : path.substring(entry));
    }
}
