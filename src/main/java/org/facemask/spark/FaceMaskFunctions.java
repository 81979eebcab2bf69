package org.facemask.spark;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.facemask.inference.ImageScorer;
import org.facemask.model.Prediction;
import org.facemask.score.ScoreColumns;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.udf;

/**
 * The model as SQL functions of image file bytes (binaryFile's {@code content}):
 * <ul>
 *   <li>{@code mask_label(content)}: the predicted class, null when the bytes are no usable image;</li>
 *   <li>{@code mask_scores(content)}: a struct of the class probabilities, {@code p_<class>} float each;</li>
 *   <li>{@code mask_faces(content)}: every face found, left to right, as an array of structs (face_index, box_x,
 *       box_y, box_w, box_h, face_confidence, label, scores); empty for a photo without faces;</li>
 *   <li>{@code mask_error(content)}: why the bytes could not be scored (as the score job's error column), null
 *       when they could, so that no image is lost without a reason.</li>
 * </ul>
 * Register them with {@link #register} or for every session with {@link FaceMaskExtensions}. A function scores one
 * image per call (SQL functions see one row at a time); the network is still built once per executor JVM. For
 * bulk scoring, {@link FaceMaskModel} batches inside partitions and is faster.
 */
public final class FaceMaskFunctions {
    /** The model directory for {@link FaceMaskExtensions}. */
    public static final String MODEL_CONF = "spark.facemask.model";
    /** Pipeline settings for the functions (faces.*, image.*, model.engine, ...), {@code key=value;key=value}. */
    public static final String SETTINGS_CONF = "spark.facemask.settings";
    public static final List<String> NAMES = List.of("mask_label", "mask_scores", "mask_faces", "mask_error");

    private FaceMaskFunctions() {
    }

    /** Loads the model of a directory written by train, and registers the functions in this session. */
    public static void register(SparkSession spark, String modelDir) {
        register(spark, modelDir, List.of());
    }

    /** @param settings pipeline settings as on the command line, e.g. {@code faces.confidence=0.5} */
    public static void register(SparkSession spark, String modelDir, List<String> settings) {
        functions(spark, "modelDir", modelDir, settings).forEach((name, f) -> spark.udf().register(name, f));
    }

    /** The functions by name, set up on the driver (model checked and broadcast, detector read). */
    static Map<String, UserDefinedFunction> functions(SparkSession spark, String key, String modelDir,
                                                      List<String> settings) {
        SparkScoring scoring = SparkScoring.open(spark, key, modelDir, settings);
        List<String> classes = scoring.directory().metadata().classes();
        StructType scores = new StructType();
        for (String c : classes) {
            scores = scores.add(ScoreColumns.probabilityColumn(c), DataTypes.FloatType, false);
        }
        StructType face = new StructType();
        for (ScoreColumns.Column c : ScoreColumns.FACE) {
            if (!c.name().equals("faces_found")) {
                face = face.add(c.name(), c.type(), false);
            }
        }
        face = face.add("label", DataTypes.StringType, false).add("scores", scores, false);
        OneImage whole = new OneImage(scoring.setup(spark, false));
        OneImage faces = new OneImage(scoring.setup(spark, true));
        Map<String, UserDefinedFunction> functions = new LinkedHashMap<>();
        functions.put("mask_label", udf((UDF1<byte[], String>) content -> {
            Outcome o = whole.only(content);
            return o == null || o.prediction() == null ? null : o.prediction().label();
        }, DataTypes.StringType));
        functions.put("mask_scores", udf((UDF1<byte[], Row>) content -> {
            Outcome o = whole.only(content);
            return o == null || o.prediction() == null ? null : scoresRow(o.prediction());
        }, scores));
        functions.put("mask_faces", udf((UDF1<byte[], List<Row>>) content -> {
            List<Outcome> found = faces.score(content);
            if (found == null || found.get(0).error() != null) {
                return null;
            }
            List<Row> rows = new ArrayList<>();
            for (Outcome o : found) {
                if (o.face() != null) {
                    ScoreColumns.Outcome columns = new ScoreColumns.Outcome(null, null, 0, true, o.face(),
                            o.prediction(), null);
                    List<Object> values = new ArrayList<>();
                    ScoreColumns.FACE.stream().filter(c -> !c.name().equals("faces_found"))
                            .forEach(c -> values.add(c.value().apply(columns)));
                    values.add(o.prediction().label());
                    values.add(scoresRow(o.prediction()));
                    rows.add(RowFactory.create(values.toArray()));
                }
            }
            return rows;
        }, DataTypes.createArrayType(face, false)));
        functions.put("mask_error", udf((UDF1<byte[], String>) content -> {
            Outcome o = whole.only(content);
            return o == null ? "no_content: the content is null" : o.error();
        }, DataTypes.StringType));
        return functions;
    }

    private static Row scoresRow(Prediction prediction) {
        Object[] values = new Object[prediction.probabilities().length];
        for (int k = 0; k < values.length; k++) {
            values[k] = prediction.probabilities()[k];
        }
        return RowFactory.create(values);
    }

    /** One image's outcomes: a prediction (per face), or no face, or why it failed. */
    record Outcome(ImageScorer.Face face, Prediction prediction, String error) {
    }

    /**
     * One image at a time through a scorer of the calling thread's own (a scorer and its detector are not
     * thread-safe; an executor runs several tasks at once). The scorers live as long as the executor.
     */
    static final class OneImage implements Serializable {
        private static final long serialVersionUID = 1L;
        private final ImageScorer.Setup setup;
        private transient ThreadLocal<Collecting> scorers;

        OneImage(ImageScorer.Setup setup) {
            this.setup = setup;
        }

        /** A scorer with the sink it reports to. */
        private record Collecting(ImageScorer<Boolean> scorer, List<Outcome> outcomes) {
        }

        /** @return null for null content, else the image's outcomes (at least one) */
        List<Outcome> score(byte[] content) {
            if (content == null) {
                return null;
            }
            Collecting c = scorers().get();
            c.outcomes().clear();
            c.scorer().add(Boolean.TRUE, content);
            c.scorer().flush();
            return List.copyOf(c.outcomes());
        }

        private synchronized ThreadLocal<Collecting> scorers() {
            if (scorers == null) {
                scorers = ThreadLocal.withInitial(() -> {
                    List<Outcome> outcomes = new ArrayList<>();
                    return new Collecting(setup.open(ImageScorer.Timing.NONE, new ImageScorer.Sink<>() {
                        @Override
                        public void scored(Boolean key, ImageScorer.Face face, Prediction prediction) {
                            outcomes.add(new Outcome(face, prediction, null));
                        }

                        @Override
                        public void noFace(Boolean key) {
                            outcomes.add(new Outcome(null, null, null));
                        }

                        @Override
                        public void failed(Boolean key, String reason) {
                            outcomes.add(new Outcome(null, null, reason));
                        }
                    }), outcomes);
                });
            }
            return scorers;
        }

        /** The outcome of a whole image; null for null content. */
        Outcome only(byte[] content) {
            List<Outcome> outcomes = score(content);
            return outcomes == null ? null : outcomes.get(0);
        }
    }
}
