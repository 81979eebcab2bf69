package org.facemask.job;

import org.apache.hadoop.conf.Configuration;
import org.facemask.config.ImageSettings;
import org.facemask.config.PipelineConfig;
import org.facemask.config.PrepareSettings;
import org.facemask.prepare.PrepareInput;
import org.facemask.prepare.PrepareStage;
import org.facemask.storage.Location;
import org.facemask.storage.OutputLocation;
import org.facemask.storage.Storage;

import java.util.List;

/** {@code prepare}: image folders to a de-duplicated, split Parquet dataset. */
final class PrepareJob implements Job {
    @Override
    public String name() {
        return "prepare";
    }

    @Override
    public String description() {
        return "decode, resize, de-duplicate and split class folders of images into Parquet";
    }

    @Override
    public Run plan(PipelineConfig config) {
        ImageSettings image = config.image();
        PrepareSettings prepare = config.prepare();
        Configuration hadoop = Storage.hadoopConf(config.spark().conf());
        List<Location> inputLocations = inputLocations(prepare);
        inputLocations.forEach(input -> StorageChecks.requireFolder(input.key(), input.uri(), hadoop));
        Location.requireDisjoint(inputLocations, hadoop);
        OutputLocation output = OutputLocation.checked(OutputLocation.Writer.PREPARE, prepare.output(),
                prepare.overwrite(), inputLocations, hadoop);
        List<PrepareInput> inputs = PrepareStage.listInputs(prepare, hadoop);
        return spark -> new PrepareStage(spark).run(prepare, image, inputs, output);
    }

    /** Each input with the key that names it: prepare.input, or prepare.inputs[i] in a list of several. */
    static List<Location> inputLocations(PrepareSettings prepare) {
        List<java.net.URI> inputs = prepare.inputs();
        return java.util.stream.IntStream.range(0, inputs.size()).mapToObj(i -> new Location(
                inputs.size() == 1 ? prepare.inputKey() : prepare.inputKey() + "[" + i + "]", inputs.get(i))).toList();
    }
}
