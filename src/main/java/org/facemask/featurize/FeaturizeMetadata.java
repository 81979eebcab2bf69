package org.facemask.featurize;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import org.apache.hadoop.conf.Configuration;
import org.facemask.storage.Json;
import org.facemask.storage.Storage;

import java.net.URI;
import java.util.List;

/**
 * featurize.json, beside the features/ it describes: written ({@link #write}) and read ({@link #read}) here only,
 * field for field (Jackson binds the record, with snake_case names).
 *
 * @param images        feature vectors written
 * @param classes       the prepared dataset's ordered classes
 * @param imageSize     side of the square pixels the base saw
 * @param base          the frozen base that computed them
 * @param engine        inference engine code (dl4j, onnx)
 * @param preprocessing how pixels became the base's input
 * @param input         the prepared dataset
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record FeaturizeMetadata(long images, List<String> classes, int imageSize, Base base, String engine,
                                String preprocessing, String input) {
    public static final String FILE = "featurize.json";
    public static final String PREPROCESSING = "RGB, squashed to image_size with area averaging, x/127.5 - 1, NCHW";

    /** @param weightsSha256 of the weights file, "null" for a randomly initialised base */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Base(String architecture, double alpha, boolean pretrained, String weightsSha256) {
    }

    /** Writes featurize.json into the featurize output {@code dir}. */
    public void write(URI dir, Configuration hadoop) {
        Json.writeFile(Storage.child(dir, FILE), this, hadoop);
    }

    /** Reads featurize.json from the featurize output {@code dir}. */
    public static FeaturizeMetadata read(URI dir, Configuration hadoop) {
        return Json.convert(Json.read(Storage.readString(Storage.child(dir, FILE), hadoop)), FeaturizeMetadata.class);
    }
}
