package org.facemask.config;

import com.typesafe.config.Config;

import java.net.URI;
import java.util.Locale;

/**
 * @param model     a model directory written by train
 * @param input     a prepared dataset (its {@code split} is evaluated), a folder tree with one folder per class, or a
 *                  Pascal VOC folder
 * @param output    where metrics.json and the plots go
 * @param overwrite replace an existing output
 * @param split     which split of a prepared dataset is evaluated
 */
public record EvaluateSettings(URI model, URI input, URI output, boolean overwrite, EvaluatedSplit split) {
    /** The rows of a prepared dataset an evaluation reads. */
    public enum EvaluatedSplit {
        /** the untouched test split: the model's own held-out images */
        TEST,
        VAL,
        TRAIN,
        /** every split: a set prepared from another source only to be evaluated on */
        ALL;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static EvaluateSettings from(Config c) {
        return new EvaluateSettings(
                StorageUri.parse("evaluate.model", c.getString("model")),
                StorageUri.parse("evaluate.input", c.getString("input")),
                StorageUri.parse("evaluate.output", c.getString("output")),
                c.getBoolean("overwrite"),
                Checks.oneOf("evaluate.split", c.getString("split"), EvaluatedSplit.class));
    }
}
