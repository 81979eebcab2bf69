package org.facemask.config;

import com.typesafe.config.Config;

import java.net.URI;

/**
 * @param model     a model directory written by train
 * @param input     a prepared dataset (its test split is evaluated) or a folder tree with one folder per class
 * @param output    where metrics.json and the plots go
 * @param overwrite replace an existing output
 */
public record EvaluateSettings(URI model, URI input, URI output, boolean overwrite) {
    public static EvaluateSettings from(Config c) {
        return new EvaluateSettings(
                StorageUri.parse("evaluate.model", c.getString("model")),
                StorageUri.parse("evaluate.input", c.getString("input")),
                StorageUri.parse("evaluate.output", c.getString("output")),
                c.getBoolean("overwrite"));
    }
}
