package org.facemask.config;

import com.typesafe.config.Config;

import java.net.URI;

/**
 * @param input          folder tree with one sub-folder per class ({@code file://}, {@code hdfs://}, {@code s3a://})
 * @param output         where images/, rejects/ and summary.json go
 * @param overwrite      replace an existing output; otherwise an existing output is refused
 * @param split          train/val/test fractions, applied per class
 * @param seed           seeds the content hash that orders images for splitting
 * @param partitions     Spark partitions for decoding; 0 picks one from the file count and the cluster's parallelism
 * @param listingThreads class folders listed at once on the driver
 */
public record PrepareSettings(URI input, URI output, boolean overwrite, SplitRatios split, long seed,
                              int partitions, int listingThreads) {
    public static PrepareSettings from(Config c) {
        return new PrepareSettings(
                StorageUri.parse("prepare.input", c.getString("input")),
                StorageUri.parse("prepare.output", c.getString("output")),
                c.getBoolean("overwrite"),
                SplitRatios.from(c.getConfig("split")),
                Checks.wholeNumber(c, "prepare.seed"),
                Checks.intIn(c, "prepare.partitions", 0, 100_000),
                Checks.intIn(c, "prepare.listing-threads", 1, 256));
    }
}
