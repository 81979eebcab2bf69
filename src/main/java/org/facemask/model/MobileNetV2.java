package org.facemask.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;

import java.util.ArrayList;
import java.util.List;

/**
 * MobileNetV2 without its classifier, built in code as the same graph as Keras's
 * {@code MobileNetV2(include_top=False, alpha=..., input_shape=(size, size, 3))}: same layer names (so the official
 * weights load by name), inverted residual blocks, ReLU6, batch norm epsilon 1e-3, and the explicit asymmetric zero
 * padding Keras puts before each stride-2 convolution. Then a global average pool ({@link #FEATURES}).
 *
 * <p>Layout: DL4J's default NCHW. Inputs are {@code [batch, 3, size, size]} float RGB in [-1, 1]
 * ({@link Preprocessing}); Keras's NHWC kernels are transposed by {@link KerasWeights}.
 */
public final class MobileNetV2 {
    public static final String INPUT = "input_1";
    /** Last layer of the Keras backbone: 7x7 (at 224) by 1280 (or more for alpha above 1). */
    public static final String BACKBONE_OUTPUT = "out_relu";
    /** Global average pool of {@link #BACKBONE_OUTPUT}: the feature vector the head is trained on. */
    public static final String FEATURES = "features";
    /** Input of {@link #above}: the activations of the last frozen block. */
    public static final String TRAINED_INPUT = "frozen_activations";
    /** Inverted residual blocks: expanded_conv (0), then block_1 to block_16. */
    public static final int BLOCKS = 17;
    static final double BN_EPSILON = 1e-3;
    /** Keras keeps 0.999 of the running statistics per step; irrelevant while the base is frozen. */
    private static final double BN_DECAY = 0.999;

    /** (expansion, output filters, repeats, first stride) per stage, as in the paper's table 2. */
    private static final int[][] STAGES = {
        {1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};

    private MobileNetV2() {
    }

    /** Keras's {@code _make_divisible}: round to the nearest multiple of 8, never more than 10% down. */
    static int makeDivisible(double value, int divisor) {
        int rounded = Math.max(divisor, (int) (value + divisor / 2.0) / divisor * divisor);
        return rounded < 0.9 * value ? rounded + divisor : rounded;
    }

    /** Width of the feature vector: 1280, or more for alpha above 1. */
    public static int featureSize(double alpha) {
        return alpha > 1.0 ? makeDivisible(1280 * alpha, 8) : 1280;
    }

    /**
     * @param alpha width multiplier (0.35, 0.5, 0.75, 1.0, 1.3, 1.4)
     * @param size  square input side; any size from 32 up works, 96-224 are Keras's pretrained sizes
     */
    public static ComputationGraphConfiguration backbone(double alpha, int size, long seed) {
        return build(alpha, size, seed, 0, BLOCKS, false);
    }

    /**
     * The frozen part under fine-tuning: the input image up to the output of the block below {@code firstTrained}
     * ({@link #blockOutput}), whose activations are the trained part's input. Same layers and names as
     * {@link #backbone}.
     */
    public static ComputationGraphConfiguration below(double alpha, int size, long seed, int firstTrained) {
        requireTrainableBlock(firstTrained);
        return build(alpha, size, seed, 0, firstTrained, false);
    }

    /**
     * The trained part under fine-tuning: blocks {@code firstTrained} to 16, {@code Conv_1} and the pooling, fed
     * with the activations of the block below ({@link #TRAINED_INPUT}, shape {@link #blockInputShape}). Its batch
     * norm layers are their inference-mode affine transform, fixed (see {@link #fixedBatchNorm}).
     */
    public static ComputationGraphConfiguration above(double alpha, int size, long seed, int firstTrained) {
        requireTrainableBlock(firstTrained);
        return build(alpha, size, seed, firstTrained, BLOCKS, true);
    }

    private static void requireTrainableBlock(int block) {
        if (block < 1 || block >= BLOCKS) {
            throw new IllegalArgumentException("the first trained block must be 1 to " + (BLOCKS - 1) + ", got " + block);
        }
    }

    /** Name of the vertex that outputs inverted residual block {@code block} (0 = expanded_conv). */
    public static String blockOutput(double alpha, int block) {
        Block b = blocks(alpha, 224).get(block); // names do not depend on the input size
        return b.prefix() + (b.residual() ? "add" : "project_BN");
    }

    /** [channels, height, width] of block {@code block}'s input at this input size. */
    public static long[] blockInputShape(double alpha, int size, int block) {
        Block b = blocks(alpha, size).get(block);
        return new long[]{b.inChannels(), b.inSpatial(), b.inSpatial()};
    }

    /** One inverted residual block: what it is named, what it takes and what it gives. */
    private record Block(int id, int inChannels, int expansion, int outChannels, int stride, int inSpatial) {
        String prefix() {
            return id == 0 ? "expanded_conv_" : "block_" + id + "_";
        }

        boolean residual() {
            return inChannels == outChannels && stride == 1;
        }
    }

    /** The 17 blocks in order, with the spatial size each one's input has (Keras pads stride-2 layers to halve it, rounding up). */
    private static List<Block> blocks(double alpha, int size) {
        List<Block> blocks = new ArrayList<>();
        int channels = makeDivisible(32 * alpha, 8);
        int spatial = (size + 1) / 2; // after the stride-2 stem
        for (int[] stage : STAGES) {
            for (int r = 0; r < stage[2]; r++) {
                int stride = r == 0 ? stage[3] : 1;
                int out = makeDivisible((int) (stage[1] * alpha), 8);
                blocks.add(new Block(blocks.size(), channels, stage[0], out, stride, spatial));
                channels = out;
                spatial = stride == 2 ? (spatial + 1) / 2 : spatial;
            }
        }
        return blocks;
    }

    /**
     * Blocks {@code from} (inclusive) to {@code to} (exclusive); from the image (with the stem) when {@code from} is
     * 0, else from {@link #TRAINED_INPUT}; up to the pooled features when {@code to} is {@link #BLOCKS}, else up to
     * block {@code to - 1}'s output.
     */
    private static ComputationGraphConfiguration build(double alpha, int size, long seed, int from, int to,
                                                       boolean fixedBatchNorm) {
        if (!(alpha > 0) || size < 32) {
            throw new IllegalArgumentException("MobileNetV2 needs alpha > 0 and size >= 32, got " + alpha + ", " + size);
        }
        List<Block> blocks = blocks(alpha, size);
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .weightInit(WeightInit.XAVIER)
                .activation(Activation.IDENTITY) // DL4J's default is sigmoid; every activation here is explicit
                .convolutionMode(ConvolutionMode.Truncate)
                .graphBuilder();
        String x;
        if (from == 0) {
            g.addInputs(INPUT).setInputTypes(InputType.convolutional(size, size, 3));
            x = INPUT;
        } else {
            Block first = blocks.get(from);
            g.addInputs(TRAINED_INPUT).setInputTypes(
                    InputType.convolutional(first.inSpatial(), first.inSpatial(), first.inChannels()));
            x = TRAINED_INPUT;
        }
        Builder b = new Builder(g, from == 0 ? size : blocks.get(from).inSpatial(), fixedBatchNorm);
        if (from == 0) {
            int first = makeDivisible(32 * alpha, 8);
            x = b.paddedConv("Conv1", x, first, 3, 2);
            x = b.bnRelu("bn_Conv1", "Conv1_relu", x, first);
        }
        for (Block block : blocks.subList(from, to)) {
            x = b.invertedResidual(x, block);
        }
        if (to < BLOCKS) {
            g.setOutputs(x);
            return g.build();
        }
        int last = featureSize(alpha);
        g.addLayer("Conv_1", conv(last, 1, 1), x);
        x = b.bnRelu("Conv_1_bn", BACKBONE_OUTPUT, "Conv_1", last);
        g.addLayer(FEATURES, new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), x);
        g.setOutputs(FEATURES);
        return g.build();
    }

    private static ConvolutionLayer conv(int filters, int kernel, int stride) {
        return new ConvolutionLayer.Builder(kernel, kernel).stride(stride, stride).nOut(filters)
                .hasBias(false).activation(Activation.IDENTITY).build();
    }

    /** Keras stores the running variance; DL4J's default keeps log10(std) instead, which would not load. */
    private static BatchNormalization batchNorm(int channels) {
        return new BatchNormalization.Builder().nOut(channels).eps(BN_EPSILON).decay(BN_DECAY).useLogStd(false)
                .activation(Activation.IDENTITY).build();
    }

    /**
     * A batch norm layer as a fine-tuned block uses it: its inference-mode transform {@code x * scale + shift} per
     * channel (a 1x1 depthwise convolution with bias, given the values by {@code FineTuning}), fixed, gradients
     * passing through. Keras's fine-tuning guidance keeps batch norm in inference mode: running statistics
     * re-estimated from small per-worker minibatches and then averaged across workers would be noisier than the
     * ImageNet ones, and would shift every activation the trained head was fitted to. A DL4J BatchNormalization
     * cannot do this itself: in inference mode it normalises by the running statistics but back-propagates as if by
     * the minibatch's, which is the gradient of another function.
     */
    private static Layer fixedBatchNorm(int channels) {
        return new FrozenLayerWithBackprop(new DepthwiseConvolution2D.Builder(1, 1).depthMultiplier(1).nIn(channels)
                .nOut(channels).hasBias(true).activation(Activation.IDENTITY).build());
    }

    /** Adds layers and tracks the spatial size, which decides the padding of stride-2 layers. */
    private static final class Builder {
        private final ComputationGraphConfiguration.GraphBuilder g;
        private final boolean fixedBatchNorm;
        private int spatial;

        Builder(ComputationGraphConfiguration.GraphBuilder g, int size, boolean fixedBatchNorm) {
            this.g = g;
            this.spatial = size;
            this.fixedBatchNorm = fixedBatchNorm;
        }

        private Layer batchNormLayer(int channels) {
            return fixedBatchNorm ? fixedBatchNorm(channels) : batchNorm(channels);
        }

        /**
         * Keras's {@code correct_pad} for a 3x3 stride-2 layer: ((0,1),(0,1)) on even sizes, ((1,1),(1,1)) on odd,
         * then a 'valid' convolution; identical to TensorFlow's 'same' at stride 2.
         */
        private String pad(String name, String input) {
            int before = spatial % 2 == 0 ? 0 : 1;
            g.addLayer(name, new ZeroPaddingLayer.Builder(before, 1, before, 1).build(), input);
            spatial = (spatial + before + 1 - 3) / 2 + 1;
            return name;
        }

        String paddedConv(String name, String input, int filters, int kernel, int stride) {
            String padded = pad(name + "_pad", input);
            g.addLayer(name, conv(filters, kernel, stride), padded);
            return name;
        }

        String bnRelu(String bnName, String reluName, String input, int channels) {
            g.addLayer(bnName, batchNormLayer(channels), input);
            g.addLayer(reluName, new ActivationLayer.Builder().activation(Activation.RELU6).build(), bnName);
            return reluName;
        }

        String invertedResidual(String input, Block block) {
            String prefix = block.prefix();
            String x = input;
            int expanded = block.inChannels();
            if (block.id() > 0) {
                expanded = block.expansion() * block.inChannels();
                g.addLayer(prefix + "expand", conv(expanded, 1, 1), x);
                x = bnRelu(prefix + "expand_BN", prefix + "expand_relu", prefix + "expand", expanded);
            }
            DepthwiseConvolution2D.Builder depthwise = new DepthwiseConvolution2D.Builder(3, 3)
                    .stride(block.stride(), block.stride()).depthMultiplier(1).nOut(expanded).hasBias(false)
                    .activation(Activation.IDENTITY);
            if (block.stride() == 2) {
                x = pad(prefix + "pad", x);
            } else {
                depthwise.convolutionMode(ConvolutionMode.Same);
            }
            g.addLayer(prefix + "depthwise", depthwise.build(), x);
            x = bnRelu(prefix + "depthwise_BN", prefix + "depthwise_relu", prefix + "depthwise", expanded);
            g.addLayer(prefix + "project", conv(block.outChannels(), 1, 1), x);
            g.addLayer(prefix + "project_BN", batchNormLayer(block.outChannels()), prefix + "project");
            if (block.residual()) {
                g.addVertex(prefix + "add", new ElementWiseVertex(ElementWiseVertex.Op.Add), input, prefix + "project_BN");
                return prefix + "add";
            }
            return prefix + "project_BN";
        }
    }
}
