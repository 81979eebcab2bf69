package org.facemask.job;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.facemask.config.PipelineConfig;
import org.facemask.config.ScoreSettings;
import org.facemask.model.BaseWeightsSource;
import org.facemask.report.ClassificationReport;
import org.facemask.report.ScoreReport;
import org.facemask.score.ScoreStage;
import org.facemask.storage.Location;
import org.facemask.storage.Storage;

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
 * before the prepared dataset exists is checked before Spark starts; train, evaluate and score are planned (and
 * their inputs checked) once their input has been written. Ends with where every output is and a few scored rows.
 */
final class PipelineJob implements Job {
    private static final int PREVIEW_ROWS = 8;

    @Override
    public String name() {
        return "pipeline";
    }

    @Override
    public String description() {
        return "prepare, then train, then evaluate (train.input, evaluate.* default to the stage before), then score "
                + "score.input with score.model when score.input is set";
    }

    @Override
    public Run plan(PipelineConfig config) {
        Run prepare = new PrepareJob().plan(config);
        Configuration hadoop = Storage.hadoopConf(config.spark().conf());
        BaseWeightsSource weights = BaseWeightsSource.resolve(config.model(), config.image().size(), hadoop);
        // every output apart from every input, model and earlier output, before the first one is written
        List<Location> earlier = new ArrayList<>(PrepareJob.inputLocations(config.prepare()));
        earlier.add(new Location("prepare.output", config.prepare().output()));
        TrainJob.checkedOutput(config.train(), weights, earlier, hadoop);
        earlier.add(new Location("train.output", config.train().output()));
        EvaluateJob.checkedOutput(config.evaluate(), earlier, hadoop);
        boolean score = config.section("score", c -> !c.getString("input").isBlank());
        if (score) {
            ScoreJob.checkInputs(config, hadoop);
        }
        return spark -> {
            prepare.run(spark);
            new TrainJob().plan(config).run(spark);
            new EvaluateJob().plan(config).run(spark);
            if (score) {
                new ScoreJob().plan(config).run(spark);
            }
            System.out.printf("%noutputs:%n  prepared images  %s%n  model            %s (model.zip, metadata.json, "
                            + "metrics.json, report.html, plots)%n  evaluation       %s (metrics.json, report.html, plots)%n",
                    config.prepare().output(), config.train().output(), config.evaluate().output());
            if (score) {
                printScores(spark, config.score());
            }
        };
    }

    /** The partition just written, and its first rows as a person reads them: photo, face box, label, probability. */
    private static void printScores(SparkSession spark, ScoreSettings settings) {
        URI partition = Storage.child(settings.output(), ScoreStage.RUN_DATE + "=" + settings.runDate());
        Dataset<Row> scored = spark.read().parquet(Storage.sparkPath(partition));
        List<String> columns = Arrays.asList(scored.columns());
        boolean faces = columns.contains("face_index");
        System.out.printf("  scores           %s (Parquet, one row per %s)%n", partition, faces ? "face" : "image");
        System.out.printf("  score report     %s%n", Storage.child(Storage.child(Storage.child(settings.output(),
                ScoreReport.DIR), ScoreStage.RUN_DATE + "=" + settings.runDate()), ClassificationReport.FILE));

        List<Column> shown = new ArrayList<>(List.of(col("path")));
        List<String> header = new ArrayList<>(List.of("photo"));
        if (faces) {
            shown.add(format_string("%.0f,%.0f,%.0f,%.0f", col("box_x"), col("box_y"), col("box_w"), col("box_h")));
            header.add("face box x,y,w,h");
        }
        shown.add(col("label"));
        shown.add(greatest(columns.stream().filter(c -> c.startsWith("p_")).map(c -> col(c)).toArray(Column[]::new)));
        header.addAll(List.of("label", "probability"));
        Dataset<Row> labelled = scored.where(col("label").isNotNull());
        List<Row> first = labelled.orderBy(faces ? new Column[]{col("path"), col("face_index")} : new Column[]{col("path")})
                .select(shown.toArray(Column[]::new)).limit(PREVIEW_ROWS).collectAsList();

        String format = faces ? "  %-40s %-18s %-13s %s%n" : "  %-40s %-13s %s%n";
        System.out.printf("%nfirst %d of %d scored %s:%n", first.size(), labelled.count(), faces ? "faces" : "images");
        System.out.printf(format, header.toArray());
        for (Row r : first) {
            List<Object> values = new ArrayList<>(List.of(displayName(r.getString(0))));
            for (int i = 1; i < r.size() - 1; i++) {
                values.add(r.get(i));
            }
            values.add(String.format("%.3f", r.getFloat(r.size() - 1)));
            System.out.printf(format, values.toArray());
        }
    }

    /** The file name, and for an archive entry the archive's name with the entry: photos.zip!/a.jpg. */
    static String displayName(String path) {
        int entry = path.indexOf("!/");
        String file = entry < 0 ? path : path.substring(0, entry);
        return file.substring(file.lastIndexOf('/') + 1) + (entry < 0 ? "" : path.substring(entry));
    }
}
