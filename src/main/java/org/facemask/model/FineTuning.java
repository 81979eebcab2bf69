package org.facemask.model;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Fine-tuning the top {@code blocks} inverted residual blocks of the pretrained base (with {@code Conv_1} above
 * them) together with the trained head, split where the trained part begins: the {@link #frozenPart} runs once over
 * every image, and the {@link #trainedPart} trains on its activations, so an epoch never runs the frozen layers.
 * {@link #assemble} then puts the trained layers into the whole classifier, whose frozen layers keep the pretrained
 * weights exactly.
 */
public final class FineTuning {
    private final Backbone base;
    private final int firstTrained;

    /** @param blocks how many blocks from the top are trained: 1 (block_16) to 16 (block_1 and above) */
    public FineTuning(Backbone base, int blocks) {
        if (blocks < 1 || blocks >= MobileNetV2.BLOCKS) {
            throw new IllegalArgumentException("fine-tuning trains 1 to " + (MobileNetV2.BLOCKS - 1) + " blocks, got " + blocks);
        }
        this.base = base;
        this.firstTrained = MobileNetV2.BLOCKS - blocks;
    }

    /** The vertex whose output the trained part takes, e.g. block_13_project_BN for 3 blocks. */
    public String frozenOutput() {
        return MobileNetV2.blockOutput(base.alpha(), firstTrained - 1);
    }

    /** [channels, height, width] of one image's activations at {@link #frozenOutput}. */
    public long[] activationShape() {
        return MobileNetV2.blockInputShape(base.alpha(), base.imageSize(), firstTrained);
    }

    /** The pretrained layers below the trained blocks: an image in, the activations of {@link #frozenOutput} out. */
    public ComputationGraph frozenPart() {
        ComputationGraph below = new ComputationGraph(MobileNetV2.below(base.alpha(), base.imageSize(), 0, firstTrained));
        below.init();
        for (Layer layer : below.getLayers()) {
            if (layer.numParams() > 0) {
                layer.setParams(base.graph().getLayer(name(layer)).params().dup());
            }
        }
        return below;
    }

    /**
     * The trained blocks with their pretrained weights and the head with {@code trainedHead}'s, activations in,
     * class probabilities out; every trainable layer updated by {@code spec}'s updater. Batch norm stays as
     * pretrained, in inference mode (see MobileNetV2's fixed batch norm for why).
     */
    public ComputationGraph trainedPart(Classifier.HeadSpec spec, ComputationGraph trainedHead) {
        ComputationGraph above = new ComputationGraph(MobileNetV2.above(base.alpha(), base.imageSize(), 0, firstTrained));
        above.init();
        ComputationGraph network = new TransferLearning.GraphBuilder(above)
                .fineTuneConfiguration(new FineTuneConfiguration.Builder().updater(spec.updater()).seed(spec.seed()).build())
                .addLayer(Classifier.HEAD_DENSE, spec.dense(base.featureSize()), MobileNetV2.FEATURES)
                .addLayer(Classifier.HEAD_OUTPUT, spec.output(), Classifier.HEAD_DENSE)
                .setOutputs(Classifier.HEAD_OUTPUT)
                .build();
        // weights are set in the finished network: the transfer-learning builder copies a wrapped depthwise layer's
        // parameters in another order than it reads them (its W and b came back swapped)
        for (Layer layer : network.getLayers()) {
            String name = name(layer);
            if (layer.numParams() == 0 || name.equals(Classifier.HEAD_DENSE) || name.equals(Classifier.HEAD_OUTPUT)) {
                continue;
            }
            Layer pretrained = base.graph().getLayer(name);
            if (isFixed(layer)) {
                // y = gamma * (x - mean) / sqrt(var + eps) + beta  ==  x * scale + shift
                INDArray gamma = pretrained.getParam("gamma").castTo(DataType.DOUBLE);
                INDArray scale = gamma.div(Transforms.sqrt(pretrained.getParam("var").castTo(DataType.DOUBLE)
                        .add(MobileNetV2.BN_EPSILON), true));
                INDArray shift = pretrained.getParam("beta").castTo(DataType.DOUBLE)
                        .sub(pretrained.getParam("mean").castTo(DataType.DOUBLE).mul(scale));
                INDArray w = layer.getParam("W");
                INDArray b = layer.getParam("b");
                w.assign(scale.castTo(w.dataType()).reshape(w.shape()));
                b.assign(shift.castTo(b.dataType()).reshape(b.shape()));
            } else {
                layer.setParams(pretrained.params().dup());
            }
        }
        Classifier.copyHead(trainedHead, network);
        return network;
    }

    /**
     * The whole classifier (base frozen, as the features mode writes it) with {@code trained}'s trained layers: the
     * fine-tuned convolutions and the head; every other layer, batch norm included, keeps the pretrained weights.
     */
    public ComputationGraph assemble(Classifier.HeadSpec spec, ComputationGraph trained) {
        ComputationGraph classifier = Classifier.classifier(base, spec, true);
        for (Layer layer : trained.getLayers()) {
            if (layer.numParams() > 0 && !isFixed(layer)) {
                classifier.getLayer(name(layer)).setParams(layer.params().dup());
            }
        }
        return classifier;
    }

    private static boolean isFixed(Layer layer) {
        return layer instanceof org.deeplearning4j.nn.layers.FrozenLayerWithBackprop;
    }

    private static String name(Layer layer) {
        return layer.conf().getLayer().getLayerName();
    }
}
