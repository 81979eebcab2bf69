package org.facemask.prepare;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.facemask.config.ImageSettings;
import org.facemask.storage.BroadcastHadoopConf;
import org.facemask.storage.Storage;

import java.net.URI;
import java.util.List;
import org.facemask.source.InputFile;
import org.facemask.source.InputListing;
import org.facemask.source.FilePartitions;

/**
 * A folder-per-class tree of image files, listed on the driver and decoded in the tasks exactly as prepare does
 * (the one decode path shared by prepare and evaluate).
 *
 * @param listing    every entry found, with the class folders
 * @param decoded    one row per readable file in a class folder (schema {@link PreparedColumns#DECODED}): pixels,
 *                   or a reason
 * @param partitions partitions of {@code decoded}
 */
public record ImageFolder(InputListing listing, Dataset<Row> decoded, int partitions) {
    private static final int FILES_PER_PARTITION = 256;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ImageFolder.class);

    /** Lists {@code input} on the driver (no Spark needed) and logs what was found. */
    public static InputListing list(URI input, Configuration hadoop, int listingThreads) {
        long start = System.nanoTime();
        InputListing listing = InputListing.list(Storage.fileSystem(input, hadoop), new Path(input), listingThreads);
        LOG.info("listed {} entries in {} class folders {} under {} in {}; rejected at listing: {}",
                listing.files().size(), listing.classes().size(), listing.classes(), input,
                PrepareStage.seconds(start), listing.rejectsByReason());
        return listing;
    }

    /** @param partitions 0 = about 256 files a partition, at least two per core */
    public static ImageFolder read(SparkSession spark, URI input, ImageSettings image, int listingThreads,
                                   int partitions) {
        return read(spark, list(input, spark.sparkContext().hadoopConfiguration(), listingThreads), image, partitions,
                input.toString());
    }

    /** Decodes the readable files of a listing made before; {@code source} is recorded with every row. */
    public static ImageFolder read(SparkSession spark, InputListing listing, ImageSettings image, int partitions,
                                   String source) {
        List<InputFile> toDecode = listing.toDecode();
        JavaRDD<InputFile> files = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(toDecode,
                FilePartitions.of(spark, partitions, toDecode.size(), FILES_PER_PARTITION));
        Dataset<Row> decoded = spark.createDataFrame(
                files.mapPartitions(new DecodeFiles(new BroadcastHadoopConf(spark), image, source)),
                PreparedColumns.DECODED);
        return new ImageFolder(listing, decoded, files.getNumPartitions());
    }
}
