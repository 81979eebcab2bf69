package org.facemask.score;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.facemask.detect.FaceBox;
import org.facemask.inference.ImageScorer;
import org.facemask.model.Prediction;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * The score output, declared once: each column's name, type, when it is there, what it holds and how it is filled.
 * The score task's rows ({@link #taskSchema}, {@link #taskRow}), the job's select list ({@link #select}), the Spark
 * ML stage's per-face columns ({@link #FACE}) and the README's table ({@link #markdownTable}) all come from here.
 */
public final class ScoreColumns {
    private ScoreColumns() {
    }

    /** How a column gets its value. */
    public enum Filled {
        /** in the task, from the image's outcome */
        PER_ROW,
        /** one column {@code p_<class>} per class of the model, from the probabilities */
        PER_CLASS,
        /** the same for every row of a run (model version, detector, time) */
        PER_RUN
    }

    /** What a task knows of one output row: the file, which face, the prediction, or why there is none. */
    public record Outcome(String path, Timestamp modified, long size, boolean perFace, ImageScorer.Face face,
                          Prediction prediction, String error) {
    }

    /**
     * @param facesOnly there only with score.faces=true
     * @param value     for {@link Filled#PER_ROW} columns: the value from a task's outcome; else null
     */
    public record Column(String name, DataType type, boolean facesOnly, Filled filled, String meaning,
                         Function<Outcome, Object> value) {
    }

    private static Column row(String name, DataType type, boolean facesOnly, String meaning, Function<Outcome, Object> value) {
        return new Column(name, type, facesOnly, Filled.PER_ROW, meaning, value);
    }

    private static Column box(String name, String meaning, Function<FaceBox, Object> value) {
        return row(name, DataTypes.FloatType, true, meaning, o -> o.face() == null ? null : value.apply(o.face().box()));
    }

    public static final Column PATH = row("path", DataTypes.StringType, false,
            "the file, or `<archive>!/<entry>`", Outcome::path);
    public static final Column MODIFICATION_TIME = row("modification_time", DataTypes.TimestampType, false,
            "the file's modification time", Outcome::modified);
    public static final Column SIZE_BYTES = row("size_bytes", DataTypes.LongType, false,
            "the image's size in bytes", Outcome::size);
    /** The per-face columns, in order; a photo without faces (or that could not be read) has them null but faces_found 0. */
    public static final List<Column> FACE = List.of(
            row("face_index", DataTypes.IntegerType, true, "0, 1, ... left to right",
                    o -> o.face() == null ? null : o.face().index()),
            box("box_x", "face box left, pixels of the upright original", b -> (float) b.x()),
            box("box_y", "face box top", b -> (float) b.y()),
            box("box_w", "face box width", b -> (float) b.w()),
            box("box_h", "face box height", b -> (float) b.h()),
            box("face_confidence", "the detector's confidence", FaceBox::confidence),
            row("faces_found", DataTypes.IntegerType, true, "faces found in the photo (0: one row, no box, no label)",
                    ScoreColumns::facesFound));
    private static Integer facesFound(Outcome o) {
        if (o.face() != null) {
            return o.face().found();
        }
        return o.perFace() ? 0 : null;
    }

    public static final Column LABEL = row("label", DataTypes.StringType, false, "the predicted class",
            o -> o.prediction() == null ? null : o.prediction().label());
    public static final Column PROBABILITIES = new Column("p_<class>", DataTypes.FloatType, false, Filled.PER_CLASS,
            "the probability of each class (`p_with_mask`, `p_without_mask`)", null);
    public static final Column MODEL_VERSION = new Column("model_version", DataTypes.StringType, false, Filled.PER_RUN,
            "the model's version (metadata.json)", null);
    public static final Column FACE_DETECTOR = new Column("face_detector", DataTypes.StringType, true, Filled.PER_RUN,
            "detector backend and model sha256 (res10: and its config file's)", null);
    public static final Column FACE_SETTINGS = new Column("face_settings", DataTypes.StringType, true, Filled.PER_RUN,
            "the faces.* settings that found and cropped the faces (an incremental run with others scores again)", null);
    public static final Column SCORED_AT = new Column("scored_at", DataTypes.TimestampType, false, Filled.PER_RUN,
            "when the run scored (one time for all its rows)", null);
    public static final Column ERROR = row("error", DataTypes.StringType, false,
            "null when scored; else why not (`not_an_image: ...`), and no prediction", Outcome::error);

    /** The score job's output, in order. */
    public static final List<Column> OUTPUT = concat(List.of(PATH, MODIFICATION_TIME, SIZE_BYTES), FACE,
            List.of(LABEL, PROBABILITIES, MODEL_VERSION, FACE_DETECTOR, FACE_SETTINGS, SCORED_AT, ERROR));

    /** The task's row: every per-row column, the probabilities as one array where the p_ columns go. */
    private static final List<Column> TASK = OUTPUT.stream()
            .filter(c -> c.filled() == Filled.PER_ROW || c.filled() == Filled.PER_CLASS).toList();
    private static final String PROBABILITY_ARRAY = "probabilities";

    private static List<Column> concat(List<Column> a, List<Column> b, List<Column> c) {
        List<Column> all = new ArrayList<>(a);
        all.addAll(b);
        all.addAll(c);
        return List.copyOf(all);
    }

    /** The schema of {@link #taskRow}. */
    static StructType taskSchema() {
        StructType schema = new StructType();
        for (Column c : TASK) {
            schema = c.filled() == Filled.PER_CLASS
                    ? schema.add(PROBABILITY_ARRAY, DataTypes.createArrayType(DataTypes.FloatType, false), true)
                    : schema.add(c.name(), c.type(), !List.of(PATH, MODIFICATION_TIME, SIZE_BYTES).contains(c));
        }
        return schema;
    }

    static Row taskRow(Outcome o) {
        Object[] values = new Object[TASK.size()];
        for (int i = 0; i < values.length; i++) {
            Column c = TASK.get(i);
            values[i] = c.filled() == Filled.PER_CLASS
                    ? (o.prediction() == null ? null : o.prediction().probabilities()) : c.value().apply(o);
        }
        return RowFactory.create(values);
    }

    /**
     * The job's output from task rows: the face columns only with {@code perFace}, one {@code p_<class>} per class.
     *
     * @param perRun the value of each {@link Filled#PER_RUN} column there is, by name
     */
    static org.apache.spark.sql.Column[] select(List<String> classes, boolean perFace, Map<String, Object> perRun) {
        List<org.apache.spark.sql.Column> columns = new ArrayList<>();
        for (Column c : OUTPUT) {
            if (c.facesOnly() && !perFace) {
                continue;
            }
            switch (c.filled()) {
                case PER_ROW -> columns.add(col(c.name()));
                case PER_CLASS -> {
                    for (int k = 0; k < classes.size(); k++) {
                        columns.add(col(PROBABILITY_ARRAY).getItem(k).alias(probabilityColumn(classes.get(k))));
                    }
                }
                case PER_RUN -> {
                    if (!perRun.containsKey(c.name())) {
                        throw new IllegalArgumentException("no value for " + c.name());
                    }
                    columns.add(lit(perRun.get(c.name())).alias(c.name()));
                }
            }
        }
        return columns.toArray(org.apache.spark.sql.Column[]::new);
    }

    /** {@code p_<class>}, with anything but letters, digits and '_' replaced, e.g. p_with_mask. */
    public static String probabilityColumn(String className) {
        return "p_" + className.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    }

    /** The README's table of the output columns. */
    public static String markdownTable() {
        StringBuilder table = new StringBuilder("| column | type | there | what |\n|---|---|---|---|\n");
        for (Column c : OUTPUT) {
            table.append("| `").append(c.name()).append("` | ").append(c.type().simpleString()).append(" | ")
                    .append(c.facesOnly() ? "score.faces=true" : "always").append(" | ").append(c.meaning())
                    .append(" |\n");
        }
        return table.toString();
    }
}
