package org.facemask.prepare;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Column names and schemas of the prepared dataset, shared by prepare (writer) and the jobs that read it.
 *
 * <p>{@code images/}: path, label, sha256, format, width and height of the upright original (of the crop, for an
 * annotated face), pixels (RGB, 8 bits, row-major, interleaved, image.size x image.size x 3 bytes), source,
 * partitioned by split. {@code rejects/}: path, label (null outside a class folder), reason (a
 * {@link org.facemask.image.RejectReason} code), detail, source.
 */
public final class PreparedColumns {
    public static final String PATH = "path";
    public static final String LABEL = "label";
    public static final String SPLIT = "split";
    public static final String SHA256 = "sha256";
    public static final String FORMAT = "format";
    public static final String WIDTH = "width";
    public static final String HEIGHT = "height";
    public static final String PIXELS = "pixels";
    public static final String SIZE_BYTES = "size_bytes";
    public static final String MODIFICATION_TIME = "modification_time";
    public static final String REASON = "reason";
    public static final String DETAIL = "detail";
    /** the input location (prepare.input or one of prepare.inputs) a row came from */
    public static final String SOURCE = "source";
    /** rows that must share a split: the sha256 of the photo an annotated face was cut from; null for a whole file */
    static final String SPLIT_GROUP = "split_group";

    public static final String IMAGES_DIR = "images";
    public static final String REJECTS_DIR = "rejects";
    public static final String SUMMARY_FILE = "summary.json";

    /** What each input file becomes after reading and decoding: pixels, or a reason. */
    static final StructType DECODED = new StructType()
            .add(PATH, DataTypes.StringType, false)
            .add(LABEL, DataTypes.StringType, true)
            .add(SIZE_BYTES, DataTypes.LongType, false)
            .add(MODIFICATION_TIME, DataTypes.LongType, false)
            .add(SHA256, DataTypes.StringType, true)
            .add(FORMAT, DataTypes.StringType, true)
            .add(WIDTH, DataTypes.IntegerType, true)
            .add(HEIGHT, DataTypes.IntegerType, true)
            .add(PIXELS, DataTypes.BinaryType, true)
            .add(REASON, DataTypes.StringType, true)
            .add(DETAIL, DataTypes.StringType, true)
            .add(SOURCE, DataTypes.StringType, false)
            .add(SPLIT_GROUP, DataTypes.StringType, true);

    static final StructType REJECTS = new StructType()
            .add(PATH, DataTypes.StringType, false)
            .add(LABEL, DataTypes.StringType, true)
            .add(REASON, DataTypes.StringType, false)
            .add(DETAIL, DataTypes.StringType, true)
            .add(SOURCE, DataTypes.StringType, false);

    static final StructType ASSIGNMENTS = new StructType()
            .add(PATH, DataTypes.StringType, false)
            .add(SPLIT, DataTypes.StringType, false);

    private PreparedColumns() {
    }
}
