package org.facemask.bench;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.facemask.spark.FaceMaskModel;

/**
 * The Spark ML stage's rate on a folder of images, as the score job's closing line gives its own: binaryFile ->
 * FaceMaskModel.transform -> Parquet, timed from the read to the written files (session start-up excluded, as the
 * job's "s in all" excludes it). Run by src/bench/transformer-vs-score.sh.
 *
 * <p>Arguments: model dir, images dir, output dir, master (local[2]), engine, and the number of Parquet files to
 * write: 0 writes one per read partition, as a plain {@code write()} does; a number repartitions first, as the score
 * job does (one file per {@code score.rows-per-file} rows), so that the two write the same files.
 */
public final class TransformerRate {
    private TransformerRate() {
    }

    public static void main(String[] args) {
        try (SparkSession spark = SparkSession.builder().master(args[3]).config("spark.ui.enabled", "false").getOrCreate()) {
            FaceMaskModel mask = FaceMaskModel.load(args[0]).setEngine(args[4]).setClassColumns(true);
            int outputFiles = Integer.parseInt(args[5]);
            long start = System.nanoTime();
            // the image bytes are not written back, as the score job does not write them; the class folders are
            // read below the folder as the score job lists them
            Dataset<Row> scored = mask.transform(spark.read().format("binaryFile").option("recursiveFileLookup", "true")
                    .load(args[1])).drop("content");
            (outputFiles > 0 ? scored.repartition(outputFiles) : scored).write().mode("overwrite").parquet(args[2]);
            double seconds = (System.nanoTime() - start) / 1e9;
            long images = spark.read().parquet(args[2]).count();
            String written = outputFiles > 0 ? "into " + outputFiles + " file(s), as the job writes" : "one file per read partition";
            System.out.printf("transformer, %s: %d images in %.1f s = %.1f images/s%n", written, images, seconds,
                    images / seconds);
        }
    }
}
