package org.facemask.job;

import org.apache.spark.sql.SparkSession;
import org.facemask.config.PipelineConfig;

/** A pipeline job: reads and checks its settings first, and only then is given a Spark session. */
interface Job {
    String name();

    String description();

    /**
     * Reads the job's typed settings and checks its inputs and outputs exist as they must.
     *
     * @throws org.facemask.config.ConfigError before any Spark work starts
     */
    Run plan(PipelineConfig config);

    /** A checked, ready job. */
    interface Run {
        void run(SparkSession spark);
    }
}
