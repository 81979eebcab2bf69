package org.facemask.job;

import org.apache.spark.sql.SparkSession;
import org.facemask.config.SparkSettings;

/** Creates the job's Spark session from the typed settings. */
final class SparkSessions {
    private SparkSessions() {
    }

    static SparkSession open(SparkSettings settings) {
        SparkSession.Builder builder = SparkSession.builder().appName(settings.appName());
        // under spark-submit the master comes from its --master; in local mode we are the launcher
        if (settings.isLocal()) {
            builder.master(settings.master());
        }
        settings.conf().forEach(builder::config);
        return builder.getOrCreate();
    }
}
