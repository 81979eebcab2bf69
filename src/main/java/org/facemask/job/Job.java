package org.facemask.job;

import org.facemask.config.PipelineConfig;

import java.util.function.Function;

/**
 * A job as the command line knows it: its name, what it does, and how its action is checked from the
 * configuration.
 *
 * @param check reads the job's typed settings and checks its inputs and outputs; throws
 *              {@link org.facemask.config.ConfigError} (naming the key) before any Spark work starts
 */
record Job(String name, String description, Function<PipelineConfig, ? extends Action<?>> check) {
}
