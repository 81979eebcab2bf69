package org.facemask.model;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.facemask.config.ConfigError;
import org.facemask.storage.Sha256;
import org.facemask.storage.Storage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.util.List;
import java.util.function.BiFunction;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A trained model as train writes it and evaluate and score read it: {@code model.zip} (the whole classifier,
 * loadable with DL4J's ModelSerializer) and {@code model.onnx} (the same network exported for ONNX Runtime) beside
 * {@code metadata.json}, on any Hadoop file system. metadata.json records the sha256 of both, so files that do not
 * belong together are refused: the network alone cannot tell which output is which class, only the training run
 * that wrote the files can. Directories written before train exported ONNX have no model.onnx; they are exported
 * when read ({@link #networkFor}).
 *
 * @param modelSha256 the sha256 of model.zip as {@link #open} checked it; {@link #loadNetwork} loads only those bytes
 */
public record ModelDirectory(URI location, ModelMetadata metadata, String modelSha256) {
    private static final Logger LOG = LoggerFactory.getLogger(ModelDirectory.class);
    public static final String MODEL_FILE = "model.zip";
    public static final String ONNX_FILE = "model.onnx";

    /**
     * Reads metadata.json and checks model.zip against it, before any Spark work: model.zip's sha256 must be the
     * one metadata.json records, and the network's output size the number of classes it lists (read from the
     * network's configuration inside model.zip, without restoring the weights); model.onnx, where metadata.json
     * records it and it is there, must have the sha256 recorded.
     *
     * @throws ConfigError when the directory holds no complete model, or the two files do not belong together;
     *                     {@code key} names the setting, the message both files and both values
     */
    public static ModelDirectory open(String key, URI location, Configuration hadoop) {
        URI metadataFile = Storage.child(location, ModelMetadata.FILE);
        URI modelFile = Storage.child(location, MODEL_FILE);
        if (!Storage.exists(metadataFile, hadoop) || !Storage.exists(modelFile, hadoop)) {
            throw new ConfigError(key + ": " + new Path(location) + " holds no trained model (expected "
                    + MODEL_FILE + " and " + ModelMetadata.FILE + "; run train first)");
        }
        ModelMetadata metadata;
        try {
            metadata = ModelMetadata.fromJson(Storage.readString(metadataFile, hadoop));
        } catch (IllegalArgumentException e) {
            throw new ConfigError(key + ": " + metadataFile + ": " + e.getMessage(), e);
        }
        NetworkFile network = NetworkFile.read(key, modelFile, hadoop);
        if (metadata.modelSha256() == null) {
            // Written before metadata.json recorded it. Refusing would stop every nightly run on an older model
            // until it is retrained; the class count below still catches a metadata.json of another class set, and
            // the sha256 read now still keeps loadNetwork from using a model.zip replaced after this check.
            LOG.warn("{} records no model_sha256 (written by an older version): cannot check that {} is the model "
                    + "it describes. Train again, or, once sure they belong together, add \"model_sha256\": \"{}\" "
                    + "to it", metadataFile, modelFile, network.sha256());
        } else if (!metadata.modelSha256().equals(network.sha256())) {
            throw new ConfigError(key + ": " + modelFile + " has sha256 " + network.sha256() + " but " + metadataFile
                    + " describes the model.zip with sha256 " + metadata.modelSha256() + ": the two files come from "
                    + "different training runs (was one of them replaced?); copy a model directory's files together");
        }
        if (network.outputs() != metadata.classes().size()) {
            throw new ConfigError(key + ": " + metadataFile + " lists " + metadata.classes().size() + " classes "
                    + metadata.classes() + " but the network in " + modelFile + " has " + network.outputs()
                    + " outputs: the two files do not belong together");
        }
        URI onnxFile = Storage.child(location, ONNX_FILE);
        if (metadata.onnx() != null && Storage.exists(onnxFile, hadoop)) {
            String onnxSha256 = Sha256.hex(Storage.readBytes(onnxFile, hadoop));
            if (!onnxSha256.equals(metadata.onnx().sha256())) {
                throw new ConfigError(key + ": " + onnxFile + " has sha256 " + onnxSha256 + " but " + metadataFile
                        + " describes the model.onnx with sha256 " + metadata.onnx().sha256() + ": the two files "
                        + "come from different training runs (was one of them replaced?); copy a model directory's "
                        + "files together");
            }
        }
        return new ModelDirectory(location, metadata, network.sha256());
    }

    /** What {@link #open} reads of model.zip: its sha256 and its network's output size. */
    private record NetworkFile(String sha256, int outputs) {
        static NetworkFile read(String key, URI file, Configuration hadoop) {
            byte[] bytes;
            String configuration = null;
            try {
                bytes = Storage.readAll(new Path(file), hadoop);
                ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes));
                for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                    if (entry.getName().equals(ModelSerializer.CONFIGURATION_JSON)) {
                        configuration = new String(zip.readAllBytes(), StandardCharsets.UTF_8);
                    }
                }
            } catch (IOException e) {
                throw new ConfigError(key + ": cannot read " + file + ": " + e.getMessage(), e);
            }
            if (configuration == null) {
                throw new ConfigError(key + ": " + file + " is not a DL4J model (no "
                        + ModelSerializer.CONFIGURATION_JSON + " inside)");
            }
            return new NetworkFile(Sha256.hex(bytes), outputSize(key, file, configuration));
        }

        private static int outputSize(String key, URI file, String configurationJson) {
            ComputationGraphConfiguration configuration;
            try {
                configuration = ComputationGraphConfiguration.fromJson(configurationJson);
            } catch (RuntimeException e) {
                throw new ConfigError(key + ": " + file + " holds no DL4J ComputationGraph: " + e.getMessage(), e);
            }
            List<String> outputs = configuration.getNetworkOutputs();
            GraphVertex output = outputs.size() == 1 ? configuration.getVertices().get(outputs.get(0)) : null;
            if (output instanceof LayerVertex layer && layer.getLayerConf().getLayer() instanceof FeedForwardLayer dense) {
                return (int) dense.getNOut();
            }
            throw new ConfigError(key + ": the network in " + file + " does not end in one layer of class "
                    + "probabilities (outputs " + outputs + ")");
        }
    }

    /**
     * The network, from the very bytes {@link #open} checked: a model.zip replaced since (another train run writing
     * into the directory) is refused, not used under this metadata. The file is read whole and hashed, then
     * restored from those bytes (DL4J holds the whole zip in memory while restoring anyway).
     */
    public ComputationGraph loadNetwork(Configuration hadoop) {
        URI file = Storage.child(location, MODEL_FILE);
        byte[] bytes = Storage.readBytes(file, hadoop);
        String loaded = Sha256.hex(bytes);
        if (!loaded.equals(modelSha256)) {
            throw new IllegalStateException(file + " was replaced after it was checked: its sha256 is now " + loaded
                    + ", it was " + modelSha256 + " when the job started; run the job again");
        }
        try {
            return ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(bytes), false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The classifier as {@code engine}'s own bytes, to broadcast to the executors. For ONNX Runtime: the model.onnx
     * train wrote, checked against metadata.json as {@link #open} checked it; exported from model.zip here only
     * when the directory has none (written before train exported it). For DL4J: model.zip's network.
     */
    public byte[] networkFor(InferenceEngine engine, Configuration hadoop) {
        URI onnxFile = Storage.child(location, ONNX_FILE);
        if (engine == InferenceEngine.ONNXRUNTIME && metadata.onnx() != null && Storage.exists(onnxFile, hadoop)) {
            byte[] bytes = Storage.readBytes(onnxFile, hadoop);
            String loaded = Sha256.hex(bytes);
            if (!loaded.equals(metadata.onnx().sha256())) {
                throw new IllegalStateException(onnxFile + " was replaced after it was checked: its sha256 is now "
                        + loaded + ", metadata.json records " + metadata.onnx().sha256() + "; run the job again");
            }
            int channelBlock = metadata.onnx().exportOptions().channelBlock();
            LOG.info("using {} as train exported it (ONNX opset {}, {})", onnxFile, metadata.onnx().opset(),
                    channelBlock > 1 ? "channels padded to blocks of " + channelBlock : "no channel padding");
            return bytes;
        }
        ComputationGraph network = loadNetwork(hadoop);
        if (engine == InferenceEngine.ONNXRUNTIME) {
            LOG.info("{} has no {} (written before train exported it, or copied without it): exporting {} to ONNX "
                    + "for this run", location, ONNX_FILE, MODEL_FILE);
        }
        return engine.serialize(network, metadata.imageSize());
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

    /** @return the sha256 of the bytes written */
    public static String writeNetwork(URI file, ComputationGraph network, boolean updater, Configuration hadoop) {
        Path path = new Path(file);
        try (DigestOutputStream out = new DigestOutputStream(path.getFileSystem(hadoop).create(path, true),
                Sha256.newDigest())) {
            ModelSerializer.writeModel(network, out, updater);
            return Sha256.finish(out.getMessageDigest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes the network (model.zip) and its ONNX export (model.onnx, made with {@code channelBlock}), then their
     * metadata (last, so a readable metadata.json means a whole model), made by {@code describe} from the sha256 of
     * the model.zip written and the record of the model.onnx.
     */
    public static ModelDirectory write(URI location, ComputationGraph network, byte[] onnx, int channelBlock,
                                       BiFunction<String, ModelMetadata.OnnxFile, ModelMetadata> describe,
                                       Configuration hadoop) {
        String sha256 = writeNetwork(Storage.child(location, MODEL_FILE), network, false, hadoop);
        Storage.writeBytes(Storage.child(location, ONNX_FILE), onnx, hadoop);
        ModelMetadata metadata = describe.apply(sha256, new ModelMetadata.OnnxFile(ONNX_FILE, Sha256.hex(onnx),
                onnx.length, OnnxExporter.OPSET, new ModelMetadata.ExportOptions(channelBlock)));
        Storage.writeString(Storage.child(location, ModelMetadata.FILE), metadata.toJson(), hadoop);
        return new ModelDirectory(location, metadata, sha256);
    }
}
