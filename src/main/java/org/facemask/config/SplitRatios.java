package org.facemask.config;

import com.typesafe.config.Config;

/** Train/validation/test fractions; they must add up to 1. */
public record SplitRatios(double train, double val, double test) {
    public SplitRatios {
        Checks.fraction("prepare.split.train", train);
        Checks.fraction("prepare.split.val", val);
        Checks.fraction("prepare.split.test", test);
        if (train <= 0) {
            throw new ConfigError("prepare.split.train must be above 0, got " + train);
        }
        if (Math.abs(train + val + test - 1.0) > 1e-6) {
            throw new ConfigError("prepare.split.train + val + test must add up to 1, got "
                    + train + " + " + val + " + " + test);
        }
    }

    static SplitRatios from(Config c) {
        return new SplitRatios(c.getDouble("train"), c.getDouble("val"), c.getDouble("test"));
    }
}
