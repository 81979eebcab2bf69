package org.facemask.job;

import org.apache.spark.sql.SparkSession;

import java.io.PrintStream;

/**
 * A job's work, built by its action class's {@code check(PipelineConfig)} from settings that are already validated
 * and inputs and outputs already checked (before any Spark session exists), then executed once. As in Apache
 * Iceberg's Spark actions, {@link #execute} returns an immutable result: the command line prints it, tests assert it.
 *
 * <p>The actions live in job/, not in the stage packages: an action ties configuration keys, the pre-Spark checks
 * ({@link StorageChecks}), the output's replacement and the command line's lines to a stage, and several actions
 * use more than one stage package (evaluate reads prepare's sources and writes report pages; pipeline runs them
 * all), while the stages stay free of configuration keys and of each other. Each action is a record of what its
 * {@code check} validated, so nothing changes between the check and the run.
 */
interface Action<R extends Action.Result> {
    R execute(SparkSession spark);

    /** What an action produced: counts, locations and metrics a caller needs. */
    interface Result {
        /**
         * The lines the command line prints when the job is done; the README quotes them. None by default: prepare
         * and featurize say their counts in their closing log line and their JSON file.
         */
        default void print(PrintStream out) {
        }
    }
}
