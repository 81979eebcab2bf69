package org.facemask.prepare;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.facemask.config.ImageSettings;
import org.facemask.inference.SparkInference;
import org.facemask.storage.BroadcastHadoopConf;
import org.facemask.storage.Storage;

import java.net.URI;
import java.util.List;

/**
 * A folder-per-class tree of image files, listed on the driver and decoded in the tasks exactly as prepare does
 * (the one decode path shared by prepare and evaluate).
 *
 * @param listing    every file found, with the class folders
 * @param decoded    one row per file in a class folder (schema {@link PreparedColumns#DECODED}): pixels, or a reason
 * @param partitions partitions of {@code decoded}
 */
public record ImageFolder(InputListing listing, Dataset<Row> decoded, int partitions) {
    private static final int FILES_PER_PARTITION = 256;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ImageFolder.class);

    /** @param partitions 0 = about 256 files a partition, at least two per core */
    public static ImageFolder read(SparkSession spark, URI input, ImageSettings image, int listingThreads,
                                   int partitions) {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        long start = System.nanoTime();
        InputListing listing = InputListing.list(Storage.fileSystem(input, hadoop), new Path(input), listingThreads);
        LOG.info("listed {} files in {} class folders {} under {} in {}", listing.files().size(),
                listing.classes().size(), listing.classes(), input, PrepareStage.seconds(start));
        List<InputFile> labelled = listing.files().stream().filter(f -> f.label() != null).toList();
        JavaRDD<InputFile> files = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(labelled,
                SparkInference.filePartitions(spark, partitions, labelled.size(), FILES_PER_PARTITION));
        Dataset<Row> decoded = spark.createDataFrame(
                files.mapPartitions(new DecodeFiles(new BroadcastHadoopConf(spark), image, input.toString())),
                PreparedColumns.DECODED);
        return new ImageFolder(listing, decoded, files.getNumPartitions());
    }

    public List<InputFile> labelledFiles() {
        return listing.files().stream().filter(f -> f.label() != null).toList();
    }
}
