package org.facemask.spark;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.image.ImageSchema;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.facemask.config.PipelineConfig;
import org.facemask.inference.ImageScorer;
import org.facemask.model.Prediction;
import org.facemask.model.ModelDirectory;
import org.facemask.model.ModelMetadata;
import org.facemask.score.ScoreColumns;
import scala.Option;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * The trained classifier as a Spark ML stage: {@code FaceMaskModel.load(modelDir)} on a model directory written by
 * train, then {@code transform} on any DataFrame with a column of image file bytes ({@code binaryFile}'s
 * {@code content}) or of Spark's image struct ({@code format("image")}'s {@code image}). Each row gets the label,
 * the probabilities (a vector, and/or one {@code p_<class>} column per class) and an error column (null when
 * scored, else why not; such a row keeps its place with no prediction). With {@code faces} on, every face of each
 * photo becomes a row with the score job's face columns, and a photo without faces one row with faces_found 0.
 *
 * <p>The images are scored as the score job scores them ({@link ImageScorer}): one network per executor JVM,
 * batches of {@code batchSize} inside each partition, rows out in the order they came in.
 */
public final class FaceMaskModel extends Model<FaceMaskModel> implements MLWritable {
    private static final long serialVersionUID = 1L;
    private static final String SAVED_MODEL = "model";
    private static final PipelineConfig REFERENCE = PipelineConfig.load(null, List.of());

    private final String uid;
    private final Param<String> modelPath;
    private final Param<String> inputCol;
    private final Param<String> labelCol;
    private final Param<String> probabilityCol;
    private final BooleanParam classColumns;
    private final Param<String> errorCol;
    private final BooleanParam faces;
    private final Param<String> detector;
    private final Param<String> detectorModel;
    private final DoubleParam faceConfidence;
    private final Param<String> engine;
    private final IntParam batchSize;
    private final StringArrayParam settings;
    /** Set up on the driver at the first transform, again when the model or a setting has changed since. */
    private transient SparkScoring scoring;
    private transient List<String> scoringFor;
    /** The metadata of the model checked last, and its directory: transformSchema runs once per stage and call. */
    private transient ModelMetadata checked;
    private transient String checkedPath;

    public FaceMaskModel(String uid) {
        this.uid = uid;
        modelPath = new Param<>(this, "modelPath", "model directory written by train (model.zip + metadata.json)");
        inputCol = new Param<>(this, "inputCol", "column of image file bytes (binary) or Spark's image struct");
        labelCol = new Param<>(this, "labelCol", "output column of the predicted class");
        probabilityCol = new Param<>(this, "probabilityCol",
                "output column of the class probabilities as a vector, in the model's class order; empty: none");
        classColumns = new BooleanParam(this, "classColumns", "also one float column p_<class> per class");
        errorCol = new Param<>(this, "errorCol", "output column of why an image was not scored (null when scored)");
        faces = new BooleanParam(this, "faces", "score every face found (one row per face), as score.faces=true");
        detector = new Param<>(this, "detector", "faces.detector: yunet, res10 or haar");
        detectorModel = new Param<>(this, "detectorModel", "faces.model: empty = the YuNet model in the jar");
        faceConfidence = new DoubleParam(this, "faceConfidence", "faces.confidence a box needs to count as a face");
        engine = new Param<>(this, "engine", "model.engine: onnxruntime or dl4j");
        batchSize = new IntParam(this, "batchSize", "model.inference-batch: images per forward pass");
        settings = new StringArrayParam(this, "settings", "further pipeline settings as key=value (faces.*, "
                + "image.*, model.inference-threads), as on the command line");
        setDefault(inputCol, "content");
        setDefault(labelCol, "label");
        setDefault(probabilityCol, "probability");
        setDefault(classColumns, false);
        setDefault(errorCol, "error");
        setDefault(faces, false);
        // the jobs' defaults (reference.conf), so that the stage scores as `score` does unless told otherwise
        setDefault(detector, REFERENCE.faces().detector().code());
        setDefault(detectorModel, "");
        setDefault(faceConfidence, REFERENCE.faces().confidence());
        setDefault(engine, REFERENCE.model().engine().code());
        setDefault(batchSize, REFERENCE.model().inferenceBatch());
        setDefault(settings, new String[0]);
    }

    public FaceMaskModel() {
        this(Identifiable$.MODULE$.randomUID("faceMaskModel"));
    }

    /**
     * The model of a directory written by train; its metadata.json is checked against model.zip now.
     *
     * @throws org.facemask.config.ConfigError when the directory holds no trained model
     */
    public static FaceMaskModel load(String modelDir) {
        FaceMaskModel model = new FaceMaskModel().setModelPath(modelDir);
        model.metadata();
        return model;
    }

    // Spark finds a stage's params by its public methods that return a Param
    public Param<String> modelPath() {
        return modelPath;
    }

    public Param<String> inputCol() {
        return inputCol;
    }

    public Param<String> labelCol() {
        return labelCol;
    }

    public Param<String> probabilityCol() {
        return probabilityCol;
    }

    public BooleanParam classColumns() {
        return classColumns;
    }

    public Param<String> errorCol() {
        return errorCol;
    }

    public BooleanParam faces() {
        return faces;
    }

    public Param<String> detector() {
        return detector;
    }

    public Param<String> detectorModel() {
        return detectorModel;
    }

    public DoubleParam faceConfidence() {
        return faceConfidence;
    }

    public Param<String> engine() {
        return engine;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    public StringArrayParam settings() {
        return settings;
    }

    public FaceMaskModel setModelPath(String value) {
        set(modelPath, value);
        return this;
    }

    public FaceMaskModel setInputCol(String value) {
        set(inputCol, value);
        return this;
    }

    public FaceMaskModel setLabelCol(String value) {
        set(labelCol, value);
        return this;
    }

    public FaceMaskModel setProbabilityCol(String value) {
        set(probabilityCol, value);
        return this;
    }

    public FaceMaskModel setClassColumns(boolean value) {
        set(classColumns, value);
        return this;
    }

    public FaceMaskModel setErrorCol(String value) {
        set(errorCol, value);
        return this;
    }

    public FaceMaskModel setFaces(boolean value) {
        set(faces, value);
        return this;
    }

    public FaceMaskModel setDetector(String value) {
        set(detector, value);
        return this;
    }

    public FaceMaskModel setDetectorModel(String value) {
        set(detectorModel, value);
        return this;
    }

    public FaceMaskModel setFaceConfidence(double value) {
        set(faceConfidence, value);
        return this;
    }

    public FaceMaskModel setEngine(String value) {
        set(engine, value);
        return this;
    }

    public FaceMaskModel setBatchSize(int value) {
        set(batchSize, value);
        return this;
    }

    public FaceMaskModel setSettings(String... value) {
        set(settings, value);
        return this;
    }

    private String string(Param<String> p) {
        return getOrDefault(p);
    }

    private boolean flag(BooleanParam p) {
        return (Boolean) getOrDefault(p);
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public FaceMaskModel copy(ParamMap extra) {
        return copyValues(new FaceMaskModel(uid), extra).setParent(parent());
    }

    private synchronized ModelMetadata metadata() {
        if (!isDefined(modelPath)) {
            throw new IllegalArgumentException("FaceMaskModel: modelPath is not set; use FaceMaskModel.load(modelDir)");
        }
        if (checked == null || !string(modelPath).equals(checkedPath)) {
            checked = SparkScoring.directory(SparkSession.active(), "modelPath", string(modelPath)).metadata();
            checkedPath = string(modelPath);
        }
        return checked;
    }

    /** The pipeline settings these params stand for, typed params first, then {@code settings}. */
    private List<String> pipelineSettings() {
        List<String> all = new ArrayList<>(List.of("faces.detector=" + string(detector),
                "faces.model=" + string(detectorModel), "faces.confidence=" + getOrDefault(faceConfidence),
                "model.engine=" + string(engine), "model.inference-batch=" + getOrDefault(batchSize)));
        all.addAll(Arrays.asList(getOrDefault(settings)));
        return all;
    }

    /**
     * The input's columns and the outputs after them. Refuses, before any data moves, an input column of another
     * type and an output column the input already has, naming the column.
     */
    @Override
    public StructType transformSchema(StructType schema) {
        String input = string(inputCol);
        if (!Arrays.asList(schema.fieldNames()).contains(input)) {
            throw new IllegalArgumentException("FaceMaskModel: input column '" + input + "' is not in the input "
                    + "(columns: " + String.join(", ", schema.fieldNames()) + "); set inputCol");
        }
        DataType type = schema.apply(input).dataType();
        if (!type.equals(DataTypes.BinaryType) && !isImageStruct(type)) {
            throw new IllegalArgumentException("FaceMaskModel: input column '" + input + "' is " + type.simpleString()
                    + ", not image file bytes (binary, as binaryFile's content) nor Spark's image struct (as "
                    + "format(\"image\")'s image)");
        }
        StructType out = schema;
        for (StructField added : outputFields(metadata().classes())) {
            if (Arrays.asList(out.fieldNames()).contains(added.name())) {
                throw new IllegalArgumentException("FaceMaskModel: output column '" + added.name() + "' is already "
                        + "in the input; drop it or set another name (labelCol, probabilityCol, errorCol)");
            }
            out = out.add(added);
        }
        return out;
    }

    private static boolean isImageStruct(DataType type) {
        return type instanceof StructType struct && Arrays.asList(struct.fieldNames()).containsAll(
                Arrays.asList(ImageSchema.columnSchema().fieldNames()));
    }

    /** The columns added, in order: the face columns, label, probability vector, p_&lt;class&gt;, error. */
    private List<StructField> outputFields(List<String> classes) {
        List<StructField> fields = new ArrayList<>();
        if (flag(faces)) {
            ScoreColumns.FACE.forEach(c -> fields.add(DataTypes.createStructField(c.name(), c.type(), true)));
        }
        fields.add(DataTypes.createStructField(string(labelCol), DataTypes.StringType, true));
        if (!string(probabilityCol).isEmpty()) {
            fields.add(DataTypes.createStructField(string(probabilityCol), SQLDataTypes.VectorType(), true));
        }
        if (flag(classColumns)) {
            classes.forEach(c -> fields.add(DataTypes.createStructField(ScoreColumns.probabilityColumn(c),
                    DataTypes.FloatType, true)));
        }
        fields.add(DataTypes.createStructField(string(errorCol), DataTypes.StringType, true));
        return fields;
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        SparkSession spark = dataset.sparkSession();
        List<String> wanted = pipelineSettings();
        List<String> key = new ArrayList<>(wanted);
        key.add(string(modelPath));
        synchronized (this) {
            if (scoring == null || !key.equals(scoringFor)) {
                scoring = SparkScoring.open(spark, "modelPath", string(modelPath), wanted);
                scoringFor = key;
            }
        }
        StructType in = dataset.schema();
        int input = in.fieldIndex(string(inputCol));
        ModelPartition partition = new ModelPartition(scoring.setup(spark, flag(faces)), input,
                isImageStruct(in.apply(input).dataType()), !string(probabilityCol).isEmpty(), flag(classColumns));
        return spark.createDataFrame(dataset.toDF().javaRDD().mapPartitions(partition), out);
    }

    /** In the tasks: each input row through the scorer, out with the outputs appended, in the input's order. */
    private record ModelPartition(ImageScorer.Setup scoring, int input, boolean imageStruct, boolean vector,
                                  boolean classColumns) implements FlatMapFunction<Iterator<Row>, Row>, Serializable {
        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            ArrayDeque<Row> ready = new ArrayDeque<>();
            boolean perFace = scoring.detector() != null;
            ImageScorer<Row> scorer = scoring.open(ImageScorer.Timing.NONE, new ImageScorer.Sink<>() {
                @Override
                public void scored(Row row, ImageScorer.Face face, Prediction prediction) {
                    ready.add(appended(row, face, prediction, null));
                }

                @Override
                public void noFace(Row row) {
                    ready.add(appended(row, null, null, null));
                }

                @Override
                public void failed(Row row, String reason) {
                    ready.add(appended(row, null, null, reason));
                }
            });
            TaskContext.get().addTaskCompletionListener((TaskContext context) -> scorer.close());
            return scorer.outputs(rows, row -> add(scorer, row), ready);
        }

        private void add(ImageScorer<Row> scorer, Row row) {
            if (row.isNullAt(input)) {
                scorer.reject(row, "no_content: the input column is null");
            } else if (!imageStruct) {
                scorer.add(row, (byte[]) row.get(input));
            } else {
                Row image = row.getStruct(input);
                String problem = SparkImages.problem(image);
                if (problem != null) {
                    scorer.reject(row, problem);
                } else {
                    scorer.add(row, SparkImages.toRgb(image));
                }
            }
        }

        private Row appended(Row row, ImageScorer.Face face, Prediction prediction, String error) {
            List<Object> values = new ArrayList<>(row.length() + 12);
            for (int i = 0; i < row.length(); i++) {
                values.add(row.get(i));
            }
            ScoreColumns.Outcome outcome = new ScoreColumns.Outcome(null, null, 0, true, face, prediction, error);
            if (scoring.detector() != null) {
                ScoreColumns.FACE.forEach(c -> values.add(c.value().apply(outcome)));
            }
            values.add(prediction == null ? null : prediction.label());
            float[] p = prediction == null ? null : prediction.probabilities();
            if (vector) {
                values.add(p == null ? null : Vectors.dense(toDoubles(p)));
            }
            if (classColumns) {
                for (int k = 0; k < scoring.classes().size(); k++) {
                    values.add(p == null ? null : p[k]);
                }
            }
            values.add(error);
            return RowFactory.create(values.toArray());
        }

        private static double[] toDoubles(float[] p) {
            double[] d = new double[p.length];
            for (int i = 0; i < p.length; i++) {
                d[i] = p[i];
            }
            return d;
        }
    }

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    public static MLReader<FaceMaskModel> read() {
        return new Reader();
    }

    /** The params as Spark's own stages save theirs, and a copy of the model directory beside them. */
    private static final class Writer extends MLWriter {
        private final FaceMaskModel instance;

        Writer(FaceMaskModel instance) {
            this.instance = instance;
        }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter.saveMetadata(instance, path, sc(), Option.empty(), Option.empty());
            Path from = new Path(instance.string(instance.modelPath));
            Path to = new Path(path, SAVED_MODEL);
            try {
                FileSystem source = from.getFileSystem(sc().hadoopConfiguration());
                FileSystem target = to.getFileSystem(sc().hadoopConfiguration());
                for (String file : List.of(ModelDirectory.MODEL_FILE, ModelDirectory.ONNX_FILE, ModelMetadata.FILE)) {
                    // a model directory written before train exported ONNX has no model.onnx
                    if (!file.equals(ModelDirectory.ONNX_FILE) || source.exists(new Path(from, file))) {
                        FileUtil.copy(source, new Path(from, file), target, new Path(to, file), false, true,
                                sc().hadoopConfiguration());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot copy the model of " + from + " to " + to + ": " + e.getMessage(), e);
            }
        }
    }

    /** Params as saved; the model from the copy saved with them. */
    private static final class Reader extends MLReader<FaceMaskModel> {
        @Override
        public FaceMaskModel load(String path) {
            DefaultParamsReader.Metadata metadata = DefaultParamsReader.loadMetadata(path, sc(),
                    FaceMaskModel.class.getName());
            FaceMaskModel model = new FaceMaskModel(metadata.uid());
            metadata.getAndSetParams(model, Option.empty());
            return model.setModelPath(new Path(path, SAVED_MODEL).toString());
        }
    }
}
