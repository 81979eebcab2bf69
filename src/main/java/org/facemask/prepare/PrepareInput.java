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
import org.facemask.storage.BroadcastHadoopConf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import org.facemask.source.InputListing;
import org.facemask.source.FilePartitions;

/**
 * One source of a prepare run, listed on the driver before Spark starts and decoded in the tasks: a folder-per-class
 * tree (one row per file) or a Pascal VOC folder (one row per annotated face).
 *
 * @param source  the input location, recorded with every row
 * @param kind    how the source is laid out
 * @param folders the listing of a folder-per-class source; null for a VOC source
 * @param voc     the photos and annotations of a VOC source; null for a folder-per-class source
 */
public record PrepareInput(String source, Kind kind, InputListing folders, VocFolder voc) {
    private static final Logger LOG = LoggerFactory.getLogger(PrepareInput.class);
    /** Photos a partition: each holds several faces to crop. */
    private static final int PHOTOS_PER_PARTITION = 64;

    public enum Kind {
        FOLDERS, VOC;

        String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static PrepareInput list(URI input, Configuration hadoop, PrepareSettings settings) {
        if (VocFolder.isVocFolder(input, hadoop)) {
            long start = System.nanoTime();
            VocFolder voc = VocFolder.list(input, hadoop);
            LOG.info("listed {} annotated photos under {} ({} files without a partner or rejected) in {}",
                    voc.photos().size(), input, voc.unpaired().size(), PrepareStage.seconds(start));
            return new PrepareInput(input.toString(), Kind.VOC, null, voc);
        }
        return new PrepareInput(input.toString(), Kind.FOLDERS,
                ImageFolder.list(input, hadoop, settings.listingThreads()), null);
    }

    /** Class folders holding a readable file; none for a VOC source, whose labels are its faces'. */
    List<String> folderClasses() {
        return folders == null ? List.of() : folders.classes();
    }

    /** Entries rejected on the driver, before decoding (schema {@link PreparedColumns#REJECTS}). */
    List<Row> listingRejects() {
        if (folders != null) {
            return folders.rejects().stream()
                    .map(f -> RowFactory.create(f.path(), f.label(), f.rejection().code(), f.detail(), source)).toList();
        }
        return voc.unpaired().stream()
                .map(u -> RowFactory.create(u.path(), null, u.reason().code(), u.detail(), source)).toList();
    }

    /** One row per decoded item (schema {@link PreparedColumns#DECODED}): pixels, or a reason. */
    Dataset<Row> decode(SparkSession spark, ImageSettings image, PrepareSettings settings) {
        if (folders != null) {
            return ImageFolder.read(spark, folders, image, settings.partitions(), source).decoded();
        }
        JavaRDD<VocFolder.Photo> photos = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(
                voc.photos(), FilePartitions.of(spark, settings.partitions(), voc.photos().size(),
                        PHOTOS_PER_PARTITION));
        return spark.createDataFrame(photos.mapPartitions(new DecodeFaces(new BroadcastHadoopConf(spark), image,
                settings.faces(), source)), PreparedColumns.DECODED);
    }
}
