package org.facemask.prepare;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.facemask.config.ImageSettings;
import org.facemask.config.PrepareSettings;
import org.facemask.image.RejectReason;
import org.facemask.inference.SparkInference;
import org.facemask.storage.BroadcastHadoopConf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * One source of a prepare run, listed on the driver and decoded in the tasks: a folder-per-class tree (one row per
 * file) or a Pascal VOC folder (one row per annotated face).
 *
 * @param source         the input location, recorded with every row
 * @param kind           how the source is laid out
 * @param folderClasses  class folders holding at least one file (empty for a VOC source, whose labels are its faces')
 * @param listingRejects files rejected on the driver, before decoding (schema {@link PreparedColumns#REJECTS})
 * @param decoded        one row per decoded item (schema {@link PreparedColumns#DECODED}): pixels, or a reason
 */
record PrepareInput(String source, Kind kind, List<String> folderClasses, List<Row> listingRejects,
                    Dataset<Row> decoded) {
    private static final Logger LOG = LoggerFactory.getLogger(PrepareInput.class);
    /** Photos a partition: each holds several faces to crop. */
    private static final int PHOTOS_PER_PARTITION = 64;

    enum Kind {
        FOLDERS, VOC;

        String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static PrepareInput read(SparkSession spark, URI input, ImageSettings image, PrepareSettings settings) {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        String source = input.toString();
        if (VocFolder.isVocFolder(input, hadoop)) {
            long start = System.nanoTime();
            VocFolder voc = VocFolder.list(input, hadoop);
            LOG.info("listed {} annotated photos under {} ({} files without a partner) in {}", voc.photos().size(),
                    input, voc.unpaired().size(), PrepareStage.seconds(start));
            JavaRDD<VocFolder.Photo> photos = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(
                    voc.photos(), SparkInference.filePartitions(spark, settings.partitions(), voc.photos().size(),
                            PHOTOS_PER_PARTITION));
            Dataset<Row> decoded = spark.createDataFrame(photos.mapPartitions(new DecodeFaces(
                    new BroadcastHadoopConf(spark), image, settings.faces(), source)), PreparedColumns.DECODED);
            List<Row> unpaired = voc.unpaired().stream()
                    .map(u -> RowFactory.create(u.path(), null, u.reason().code(), u.detail(), source)).toList();
            return new PrepareInput(source, Kind.VOC, List.of(), unpaired, decoded);
        }
        ImageFolder folder = ImageFolder.read(spark, input, image, settings.listingThreads(), settings.partitions());
        List<Row> outsideClasses = folder.listing().files().stream().filter(f -> f.label() == null)
                .map(f -> RowFactory.create(f.path(), null, RejectReason.NO_CLASS_FOLDER.code(),
                        "file is directly in the input folder; put images in one folder per class", source))
                .toList();
        return new PrepareInput(source, Kind.FOLDERS, folder.listing().classes(), outsideClasses, folder.decoded());
    }
}
