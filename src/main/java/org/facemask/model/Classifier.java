package org.facemask.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The mask classifier of the original work: the MobileNetV2 base, then global average pooling (the base's
 * {@link MobileNetV2#FEATURES}), a dense ReLU layer, dropout and a softmax over the classes.
 *
 * <p>Two shapes of the same head: {@link #head} alone, fed with feature vectors (training in features mode), and
 * {@link #classifier}, the base with the head on top (end-to-end training, the saved model, inference). The head's
 * layers have the same names in both, so {@link #copyHead} moves trained weights from one to the other.
 */
public final class Classifier {
    public static final String HEAD_INPUT = "features";
    public static final String HEAD_DENSE = "head_dense";
    public static final String HEAD_OUTPUT = "head_output";

    /**
     * @param hidden  units of the dense layer
     * @param dropout fraction dropped after it (Keras's meaning)
     */
    public record HeadSpec(int hidden, double dropout, int classes, IUpdater updater, long seed) {
        public static IUpdater adam(double learningRate) {
            return new Adam(learningRate);
        }

        public static IUpdater sgd(double learningRate) {
            return new Nesterovs(learningRate, 0.9);
        }

        DenseLayer dense(int featureSize) {
            return new DenseLayer.Builder().nIn(featureSize).nOut(hidden).activation(Activation.RELU)
                    .weightInit(WeightInit.RELU).build();
        }

        OutputLayer output() {
            OutputLayer.Builder b = new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                    .nIn(hidden).nOut(classes).activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER);
            if (dropout > 0) {
                b.dropOut(1.0 - dropout); // DL4J takes the probability of keeping an input of this layer
            }
            return b.build();
        }
    }

    private Classifier() {
    }

    /** The head alone: feature vectors in, class probabilities out. */
    public static ComputationGraph head(int featureSize, HeadSpec spec) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(spec.seed())
                .updater(spec.updater())
                .graphBuilder()
                .addInputs(HEAD_INPUT)
                .setInputTypes(InputType.feedForward(featureSize))
                .addLayer(HEAD_DENSE, spec.dense(featureSize), HEAD_INPUT)
                .addLayer(HEAD_OUTPUT, spec.output(), HEAD_DENSE)
                .setOutputs(HEAD_OUTPUT)
                .build();
        ComputationGraph head = new ComputationGraph(conf);
        head.init();
        return head;
    }

    /**
     * The base with a new head. With {@code freezeBase} every base layer becomes a DL4J FrozenLayer (its batch norm
     * stays in inference mode and no update reaches it); without, the whole network trains.
     */
    public static ComputationGraph classifier(Backbone base, HeadSpec spec, boolean freezeBase) {
        TransferLearning.GraphBuilder b = new TransferLearning.GraphBuilder(base.graph())
                .fineTuneConfiguration(new FineTuneConfiguration.Builder().updater(spec.updater()).seed(spec.seed()).build());
        if (freezeBase) {
            b.setFeatureExtractor(MobileNetV2.FEATURES);
        }
        return b.addLayer(HEAD_DENSE, spec.dense(base.featureSize()), MobileNetV2.FEATURES)
                .addLayer(HEAD_OUTPUT, spec.output(), HEAD_DENSE)
                .setOutputs(HEAD_OUTPUT)
                .build();
    }

    /** Copies the head's trained weights between a head-only network and a classifier (either way). */
    public static void copyHead(ComputationGraph from, ComputationGraph to) {
        for (String layer : new String[]{HEAD_DENSE, HEAD_OUTPUT}) {
            to.getLayer(layer).setParams(from.getLayer(layer).params().dup());
        }
    }
}
