package org.facemask.model;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.facemask.config.ConfigError;
import org.facemask.storage.Storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;

/**
 * A trained model as train writes it and evaluate and score read it: {@code model.zip} (the whole classifier,
 * loadable with DL4J's ModelSerializer) beside {@code metadata.json}, on any Hadoop file system.
 */
public record ModelDirectory(URI location, ModelMetadata metadata) {
    public static final String MODEL_FILE = "model.zip";

    /** @throws ConfigError when the directory holds no complete model; {@code key} names the setting */
    public static ModelDirectory open(String key, URI location, Configuration hadoop) {
        URI meta = Storage.child(location, ModelMetadata.FILE);
        if (!Storage.exists(meta, hadoop) || !Storage.exists(Storage.child(location, MODEL_FILE), hadoop)) {
            throw new ConfigError(key + ": " + new Path(location) + " holds no trained model (expected "
                    + MODEL_FILE + " and " + ModelMetadata.FILE + "; run train first)");
        }
        try {
            return new ModelDirectory(location, ModelMetadata.fromJson(Storage.readString(meta, hadoop)));
        } catch (IllegalArgumentException e) {
            throw new ConfigError(key + ": " + meta + ": " + e.getMessage(), e);
        }
    }

    public ComputationGraph loadNetwork(Configuration hadoop) {
        return readNetwork(Storage.child(location, MODEL_FILE), false, hadoop);
    }

    /** A DL4J ModelSerializer zip from any Hadoop file system; with {@code updater} its training state too. */
    public static ComputationGraph readNetwork(URI file, boolean updater, Configuration hadoop) {
        Path path = new Path(file);
        try (InputStream in = path.getFileSystem(hadoop).open(path)) {
            return ModelSerializer.restoreComputationGraph(in, updater);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load " + path + ": " + e.getMessage(), e);
        }
    }

    public static void writeNetwork(URI file, ComputationGraph network, boolean updater, Configuration hadoop) {
        Path path = new Path(file);
        try (FSDataOutputStream out = path.getFileSystem(hadoop).create(path, true)) {
            ModelSerializer.writeModel(network, out, updater);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
        }
    }

    /** Writes the network and its metadata; the metadata last, so a readable metadata.json means a whole model. */
    public static ModelDirectory write(URI location, ComputationGraph network, ModelMetadata metadata,
                                       Configuration hadoop) {
        writeNetwork(Storage.child(location, MODEL_FILE), network, false, hadoop);
        Storage.writeString(Storage.child(location, ModelMetadata.FILE), metadata.toJson(), hadoop);
        return new ModelDirectory(location, metadata);
    }
}
