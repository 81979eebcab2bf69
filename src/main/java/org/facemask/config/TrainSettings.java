package org.facemask.config;

import com.typesafe.config.Config;
import org.facemask.image.Augmentation;
import org.facemask.image.Photometric;
import org.facemask.model.MobileNetV2;

import java.io.Serializable;
import java.net.URI;

/**
 * @param input              a prepared dataset
 * @param output             the model directory (model.zip, metadata.json, metrics.json, plots, checkpoints/)
 * @param overwrite          replace an existing model directory (ignored with resume)
 * @param mode               FEATURES: featurize once, train the head on vectors; END_TO_END: pixels through the
 *                           whole graph every epoch (the literal method)
 * @param epochs             maximum epochs
 * @param updater            ADAM or SGD
 * @param learningRate       updater learning rate
 * @param batchSize          examples per minibatch on each worker
 * @param averagingFrequency minibatches each worker fits between two parameter averagings
 * @param workers            partitions of the training data (= parallel workers); 0 = Spark's default parallelism
 * @param seed               seeds initialisation, dropout and shuffling
 * @param patience           stop after this many epochs without a lower validation loss; 0 = never stop early
 * @param resume             continue from the last checkpoint in {@code output}
 * @param augmentCopies      features mode: augmented copies of each training image, featurized once; end-to-end:
 *                           above 0 augments every training image anew in every epoch; 0 = no augmentation
 * @param augmentation       the random variations applied
 * @param fineTune           after the head (features mode): the top blocks of the base trained with the head
 */
public record TrainSettings(URI input, URI output, boolean overwrite, Mode mode, int epochs, Updater updater,
                            double learningRate, int batchSize, int averagingFrequency, int workers, long seed,
                            int patience, boolean resume, int augmentCopies, Augmentation augmentation,
                            FineTune fineTune)
        implements Serializable {
    public enum Mode { FEATURES, END_TO_END }

    /**
     * @param blocks       inverted residual blocks trained from the top (block_16 down), with Conv_1 above them;
     *                     0 = no fine-tuning
     * @param epochs       maximum fine-tuning epochs (best by validation loss, {@code patience} applies)
     * @param learningRate the updater's learning rate while fine-tuning, far below the head's
     */
    public record FineTune(int blocks, int epochs, double learningRate) implements Serializable {
        public static final FineTune OFF = new FineTune(0, 1, 1e-5);

        public boolean enabled() {
            return blocks > 0;
        }
    }

    public enum Updater { ADAM, SGD }

    public static TrainSettings from(Config c) {
        double lr = learningRate(c, "learning-rate");
        return new TrainSettings(
                StorageUri.parse("train.input", c.getString("input")),
                StorageUri.parse("train.output", c.getString("output")),
                c.getBoolean("overwrite"),
                Checks.oneOf("train.mode", c.getString("mode"), Mode.class),
                Checks.intIn(c, "train.epochs", 1, 10_000),
                Checks.oneOf("train.updater", c.getString("updater"), Updater.class),
                lr,
                Checks.intIn(c, "train.batch-size", 1, 65_536),
                Checks.intIn(c, "train.averaging-frequency", 1, 10_000),
                Checks.intIn(c, "train.workers", 0, 10_000),
                Checks.wholeNumber(c, "train.seed"),
                Checks.intIn(c, "train.patience", 0, 10_000),
                c.getBoolean("resume"),
                Checks.intIn(c, "train.augment.copies", 0, 100),
                new Augmentation(c.getBoolean("augment.flip"),
                        Checks.fraction("train.augment.rotation", c.getDouble("augment.rotation") / 180) * 180,
                        Checks.fraction("train.augment.zoom", c.getDouble("augment.zoom")),
                        Checks.fraction("train.augment.shift", c.getDouble("augment.shift")),
                        Checks.intIn(c, "train.augment.low-resolution", 0, 10_000),
                        new Photometric(Checks.fraction("train.augment.brightness", c.getDouble("augment.brightness")),
                                Checks.fraction("train.augment.contrast", c.getDouble("augment.contrast")),
                                Checks.fraction("train.augment.saturation", c.getDouble("augment.saturation")),
                                Checks.fraction("train.augment.blur", c.getDouble("augment.blur") / 10) * 10,
                                Checks.intIn(c, "train.augment.jpeg-quality", 0, 95))),
                new FineTune(Checks.intIn(c, "train.fine-tune.blocks", 0, MobileNetV2.BLOCKS - 1),
                        Checks.intIn(c, "train.fine-tune.epochs", 1, 10_000),
                        learningRate(c, "fine-tune.learning-rate")));
    }

    private static double learningRate(Config c, String key) {
        double lr = c.getDouble(key);
        if (!(lr > 0 && lr < 10)) {
            throw new ConfigError("train." + key + " must be above 0 and below 10, got " + lr);
        }
        return lr;
    }
}
