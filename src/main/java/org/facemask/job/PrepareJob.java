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
        String inputKey = prepare.inputKey();
        prepare.inputs().forEach(input -> StorageChecks.requireFolder(inputKey, input, hadoop));
        OutputLocation output = OutputLocation.checked(OutputLocation.Writer.PREPARE, prepare.output(),
                prepare.overwrite(), prepare.inputs().stream().map(input -> new Location(inputKey, input)).toList(),
                hadoop);
        List<PrepareInput> inputs = PrepareStage.listInputs(prepare, hadoop);
        return spark -> new PrepareStage(spark).run(prepare, image, inputs, output);
    }
}
