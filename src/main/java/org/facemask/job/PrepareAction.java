package org.facemask.job;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.facemask.config.ImageSettings;
import org.facemask.config.PipelineConfig;
import org.facemask.config.PrepareSettings;
import org.facemask.prepare.PrepareInput;
import org.facemask.prepare.PrepareStage;
import org.facemask.prepare.PrepareSummary;
import org.facemask.storage.Location;
import org.facemask.storage.OutputLocation;
import org.facemask.storage.Storage;

import java.net.URI;
import java.util.List;
import java.util.stream.IntStream;

/**
 * {@code prepare}: image folders to a de-duplicated, split Parquet dataset.
 */
record PrepareAction(PrepareSettings settings, ImageSettings image, List<PrepareInput> inputs, OutputLocation output)
        implements Action<PrepareAction.Result> {
    /** @param summary what summary.json says */
    record Result(PrepareSummary summary, URI output) implements Action.Result {
    }

    /** Every input a readable folder apart from the others, the output new or replaceable, the sources listed. */
    static PrepareAction check(PipelineConfig config) {
        PrepareSettings prepare = config.prepare();
        Configuration hadoop = Storage.hadoopConf(config.spark().conf());
        List<Location> inputLocations = inputLocations(prepare);
        inputLocations.forEach(input -> StorageChecks.requireFolder(input.key(), input.uri(), hadoop));
        Location.requireDisjoint(inputLocations, hadoop);
        OutputLocation output = OutputLocation.checked(OutputLocation.Writer.PREPARE, prepare.output(),
                prepare.overwrite(), inputLocations, hadoop);
        return new PrepareAction(prepare, config.image(), PrepareStage.listInputs(prepare, hadoop), output);
    }

    @Override
    public Result execute(SparkSession spark) {
        PrepareStage stage = new PrepareStage(spark);
        try (PrepareStage.Planned planned = stage.plan(settings, image, inputs)) {
            // only once decoding and planning succeeded: a run that fails before leaves an earlier output as it was
            return output.writeWith(spark.sparkContext().hadoopConfiguration(),
                    () -> new Result(stage.write(planned), settings.output()));
        }
    }

    /** Each input with the key that names it: prepare.input, or prepare.inputs[i] in a list of several. */
    static List<Location> inputLocations(PrepareSettings prepare) {
        List<URI> inputs = prepare.inputs();
        return IntStream.range(0, inputs.size()).mapToObj(i -> new Location(
                inputs.size() == 1 ? prepare.inputKey() : prepare.inputKey() + "[" + i + "]", inputs.get(i))).toList();
    }
}
