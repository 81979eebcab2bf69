package org.facemask.config;

import com.typesafe.config.Config;

import java.net.URI;

/**
 * @param input      a prepared dataset (the output of prepare)
 * @param output     where features/ and featurize.json go
 * @param overwrite  replace an existing output
 * @param partitions Spark partitions; 0 keeps the prepared dataset's
 */
public record FeaturizeSettings(URI input, URI output, boolean overwrite, int partitions) {
    public static FeaturizeSettings from(Config c) {
        return new FeaturizeSettings(
                StorageUri.parse("featurize.input", c.getString("input")),
                StorageUri.parse("featurize.output", c.getString("output")),
                c.getBoolean("overwrite"),
                Checks.intIn(c, "featurize.partitions", 0, 100_000));
    }
}
