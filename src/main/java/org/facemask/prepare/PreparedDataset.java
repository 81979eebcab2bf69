package org.facemask.prepare;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.facemask.config.ConfigError;
import org.facemask.storage.Storage;

import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;

/**
 * A dataset written by prepare, as the jobs downstream read it: its ordered classes and image size from
 * summary.json, and the images table.
 */
public record PreparedDataset(URI location, List<String> classes, int imageSize) {

    /**
     * @param key the configuration key that named the location, for error messages
     * @throws ConfigError when the location holds no complete prepared dataset
     */
    public static PreparedDataset open(String key, URI location, Configuration hadoop) {
        URI summary = Storage.child(location, PreparedColumns.SUMMARY_FILE);
        String json;
        try {
            json = Storage.readString(summary, hadoop);
        } catch (UncheckedIOException e) {
            throw new ConfigError(key + ": " + location + " is not a complete prepared dataset (no readable "
                    + PreparedColumns.SUMMARY_FILE + "); run prepare into it first", e);
        }
        try {
            PrepareSummary read = PrepareSummary.fromJson(json);
            return new PreparedDataset(location, read.classes(), read.imageSize());
        } catch (RuntimeException e) {
            throw new ConfigError(key + ": cannot read " + summary + ": " + e.getMessage(), e);
        }
    }

    /** Requires the dataset's pixels to be at the configured size: resizing again would change the model's input. */
    public void requireImageSize(int configured) {
        if (configured != imageSize) {
            throw new ConfigError("image.size is " + configured + " but " + location + " was prepared at "
                    + imageSize + "; set image.size=" + imageSize + " or prepare again");
        }
    }

    public Dataset<Row> images(SparkSession spark) {
        return spark.read().parquet(Storage.sparkPath(Storage.child(location, PreparedColumns.IMAGES_DIR)));
    }
}
