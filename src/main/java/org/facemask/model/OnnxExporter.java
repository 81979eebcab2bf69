package org.facemask.model;

import onnx.Onnx;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.FrozenVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU6;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.protobuf.ByteString;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a DL4J network of the layers our models use (convolution, depthwise convolution, zero padding, batch
 * norm, ReLU/ReLU6/softmax, add, global average pooling, dense, dropout, frozen wrappers) as an ONNX graph with the
 * same weights, for ONNX Runtime. The DL4J graph stays the one description of the architecture: the backbone for
 * featurizing and the trained classifier for scoring are both exported from it.
 *
 * <p>What it changes, all exact up to float rounding: batch norm is folded into the preceding convolution, zero
 * padding becomes the convolution's own (asymmetric) pads, ReLU6 is {@code Clip(0, 6)}, dropout disappears.
 * Input {@value #INPUT}: the RGB bytes as {@link org.facemask.image.ImageLoader} makes them, uint8
 * {@code [batch, size, size, 3]}; the graph itself applies {@link Preprocessing}'s {@code x / 127.5 - 1} and the
 * move to channels first (ONNX Runtime's vectorised kernels do that faster than a Java loop can fill a float buffer,
 * and a quarter of the bytes cross into native memory). Output {@value #OUTPUT}: {@code [batch, n]}.
 *
 * <p>Channel blocks: ONNX Runtime's CPU kernels keep activations in blocks of 16 channels on AVX-512 processors (8 on
 * others), and a tensor whose channel count is not a multiple of the block leaves that layout for a slow path and
 * two reorders. MobileNetV2(0.35) has 8-, 24- and 56-channel layers; with {@code channelBlock} 16 a convolution's
 * output is padded with all-zero channels up to the block (zero weights, zero bias, so ReLU6 and residual adds keep
 * them zero) and the next convolution reads them with zero weights: the same outputs, 4-8% faster inference on an
 * AVX-512 Xeon. Not done on other processors, where the extra channels would be pure extra work.
 */
public final class OnnxExporter {
    public static final String INPUT = "input";
    public static final String OUTPUT = "output";
    /** The ONNX operator set the graphs are written for. */
    public static final int OPSET = 13;
    private static final long IR_VERSION = 7;

    private final ComputationGraph graph;
    private final ComputationGraphConfiguration conf;
    private final Map<String, List<String>> consumers = new HashMap<>();
    private final Onnx.GraphProto.Builder out = Onnx.GraphProto.newBuilder().setName("facemask");
    /** ONNX tensor that holds each DL4J vertex's output. */
    private final Map<String, String> tensorOf = new HashMap<>();
    /** pads [top, left, bottom, right] of zero-padding vertices, handed to the convolution that consumes them */
    private final Map<String, long[]> pendingPads = new HashMap<>();
    private final Set<String> folded = new HashSet<>();
    /** channel count of ONNX tensors padded beyond their DL4J vertex's channels */
    private final Map<String, Long> paddedChannels = new HashMap<>();
    private final int channelBlock;

    private OnnxExporter(ComputationGraph graph, int channelBlock) {
        if (channelBlock < 1) {
            throw new IllegalArgumentException("channel block must be at least 1, got " + channelBlock);
        }
        this.graph = graph;
        this.channelBlock = channelBlock;
        this.conf = graph.getConfiguration();
        conf.getVertexInputs().forEach((v, ins) -> ins.forEach(in -> consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(v)));
    }

    /**
     * @param imageSize square input side
     * @return the serialised ONNX model
     */
    public static byte[] export(ComputationGraph graph, int imageSize) {
        return export(graph, imageSize, channelBlockOfThisCpu());
    }

    /** @param channelBlock pad convolution outputs to a multiple of this many channels where that is exact; 1 = never */
    public static byte[] export(ComputationGraph graph, int imageSize, int channelBlock) {
        return new OnnxExporter(graph, channelBlock).build(imageSize).toByteArray();
    }

    /**
     * 16 where ONNX Runtime runs its AVX-512 kernels (the CPU flag {@code avx512f} in /proc/cpuinfo), else 1. Read
     * where the model is exported, the driver: in a cluster of unlike machines the executors may differ, which
     * costs speed, never correctness.
     */
    public static int channelBlockOfThisCpu() {
        return CpuChannelBlock.VALUE;
    }

    /** Read once per JVM, when first asked: the processor does not change under it. */
    private static final class CpuChannelBlock {
        static final int VALUE = read();

        private static int read() {
            try (java.util.stream.Stream<String> lines = java.nio.file.Files.lines(java.nio.file.Path.of("/proc/cpuinfo"))) {
                return lines.anyMatch(l -> l.startsWith("flags") && l.contains(" avx512f")) ? 16 : 1;
            } catch (java.io.IOException | java.io.UncheckedIOException e) {
                return 1; // not Linux: assume no AVX-512; unpadded costs at most the few per cent padding would gain
            }
        }
    }

    private Onnx.ModelProto build(int imageSize) {
        List<String> inputs = conf.getNetworkInputs();
        List<String> outputs = conf.getNetworkOutputs();
        if (inputs.size() != 1 || outputs.size() != 1) {
            throw new UnsupportedOperationException("ONNX export handles one input and one output, got " + inputs + " -> " + outputs);
        }
        tensorOf.put(inputs.get(0), normalisedInput());
        for (int index : graph.topologicalSortOrder()) {
            String name = graph.getVertices()[index].getVertexName();
            if (!inputs.contains(name) && !folded.contains(name)) {
                translate(name, conf.getVertices().get(name));
            }
        }
        INDArray probe = graph.outputSingle(false, Nd4j.zeros(DataType.FLOAT, 1, 3, imageSize, imageSize));
        long outputSize = probe.length();
        // a convolutional output (the activations fine-tuning trains on) becomes one row per image, channels first
        // as in DL4J; a network output is never channel-padded (takesPaddedChannels)
        out.addNode(node(probe.rank() > 2 ? "Flatten" : "Identity", List.of(tensorOf.get(outputs.get(0))), OUTPUT));
        out.addInput(valueInfo(INPUT, Onnx.TensorProto.DataType.UINT8, -1, imageSize, imageSize, 3));
        out.addOutput(valueInfo(OUTPUT, Onnx.TensorProto.DataType.FLOAT, -1, outputSize));
        return Onnx.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("facemask-pipeline")
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(out)
                .build();
    }

    /** uint8 NHWC pixels to the network's float NCHW input, {@code x / 127.5 - 1} as {@link Preprocessing} computes it. */
    private String normalisedInput() {
        // channels first while the values are still bytes: a quarter of the memory traffic of moving floats
        out.addNode(node("Transpose", List.of(INPUT), INPUT + "/nchw").addAttribute(intsAttr("perm", 0, 3, 1, 2)));
        out.addNode(node("Cast", List.of(INPUT + "/nchw"), INPUT + "/float")
                .addAttribute(intAttr("to", Onnx.TensorProto.DataType.FLOAT.getNumber())));
        out.addNode(node("Div", List.of(INPUT + "/float", initializer(INPUT + "/half_range", Nd4j.scalar(127.5f))), INPUT + "/scaled"));
        out.addNode(node("Sub", List.of(INPUT + "/scaled", initializer(INPUT + "/one", Nd4j.scalar(1f))), INPUT + "/normalised"));
        return INPUT + "/normalised";
    }

    private String input(String vertex) {
        List<String> ins = conf.getVertexInputs().get(vertex);
        if (ins.size() != 1) {
            throw new UnsupportedOperationException("vertex '" + vertex + "' has " + ins.size() + " inputs");
        }
        return ins.get(0);
    }

    private void translate(String name, GraphVertex vertex) {
        if (vertex instanceof FrozenVertex frozen) {
            vertex = frozen.getUnderlying();
        }
        if (vertex instanceof ElementWiseVertex ew) {
            if (ew.getOp() != ElementWiseVertex.Op.Add) {
                throw new UnsupportedOperationException("element-wise " + ew.getOp() + " at '" + name + "'");
            }
            List<String> ins = conf.getVertexInputs().get(name).stream().map(tensorOf::get).toList();
            Set<Long> widths = new HashSet<>();
            ins.forEach(t -> widths.add(paddedChannels.getOrDefault(t, -1L)));
            if (widths.size() > 1) {
                throw new IllegalStateException("inputs of '" + name + "' padded unequally: " + ins);
            }
            out.addNode(node("Add", ins, name));
            inheritPadding(ins.get(0), name);
            tensorOf.put(name, name);
            return;
        }
        if (!(vertex instanceof LayerVertex lv)) {
            throw new UnsupportedOperationException("vertex type " + vertex.getClass().getSimpleName() + " at '" + name + "'");
        }
        Layer layer = unwrap(lv.getLayerConf().getLayer());
        String in = input(name);
        if (layer instanceof ZeroPaddingLayer zp) {
            for (String c : consumers.getOrDefault(name, List.of())) {
                if (!(unwrap(((LayerVertex) conf.getVertices().get(c)).getLayerConf().getLayer()) instanceof ConvolutionLayer)) {
                    throw new UnsupportedOperationException("zero padding '" + name + "' must feed convolutions only");
                }
            }
            int[] p = zp.getPadding(); // top, bottom, left, right
            long[] inherited = pendingPads.getOrDefault(in, new long[4]);
            pendingPads.put(name, new long[]{inherited[0] + p[0], inherited[1] + p[2], inherited[2] + p[1], inherited[3] + p[3]});
            tensorOf.put(name, tensorOf.get(in));
            return;
        }
        if (layer instanceof ConvolutionLayer cl) {
            convolution(name, cl, in);
        } else if (layer instanceof BatchNormalization bn) {
            batchNormAlone(name, bn, in);
        } else if (layer instanceof ActivationLayer al) {
            String result = activation(name, al.getActivationFn(), tensorOf.get(in));
            inheritPadding(tensorOf.get(in), result);
            tensorOf.put(name, result);
        } else if (layer instanceof GlobalPoolingLayer gp) {
            if (gp.getPoolingType() != PoolingType.AVG) {
                throw new UnsupportedOperationException("global " + gp.getPoolingType() + " pooling at '" + name + "'");
            }
            out.addNode(node("GlobalAveragePool", List.of(tensorOf.get(in)), name + "/pool"));
            out.addNode(node("Flatten", List.of(name + "/pool"), name).addAttribute(intAttr("axis", 1)));
            tensorOf.put(name, name);
        } else if (layer instanceof DenseLayer || layer instanceof OutputLayer) {
            org.deeplearning4j.nn.api.Layer runtime = graph.getLayer(name);
            String w = initializer(name + "/W", runtime.getParam("W"));
            List<String> ins = new ArrayList<>(List.of(tensorOf.get(in), w));
            if (runtime.getParam("b") != null) {
                ins.add(initializer(name + "/b", runtime.getParam("b").reshape(-1)));
            }
            out.addNode(node("Gemm", ins, name + "/gemm"));
            tensorOf.put(name, activation(name, ((BaseLayer) layer).getActivationFn(), name + "/gemm"));
        } else if (layer instanceof DropoutLayer) {
            tensorOf.put(name, tensorOf.get(in)); // inference: dropout is the identity
        } else {
            throw new UnsupportedOperationException("layer type " + layer.getClass().getSimpleName() + " at '" + name + "'");
        }
    }

    private static Layer unwrap(Layer layer) {
        if (layer instanceof FrozenLayer f) {
            return unwrap(f.getLayer());
        }
        if (layer instanceof FrozenLayerWithBackprop f) {
            return unwrap(f.getUnderlying());
        }
        return layer;
    }

    /** A convolution, its pads from a preceding zero padding, and a batch norm that follows it folded in. */
    private void convolution(String name, ConvolutionLayer cl, String in) {
        org.deeplearning4j.nn.api.Layer runtime = graph.getLayer(name);
        INDArray w = runtime.getParam("W").castTo(DataType.DOUBLE);
        long group = 1;
        if (cl instanceof DepthwiseConvolution2D) {
            // DL4J [kh, kw, in, multiplier] -> ONNX grouped [in * multiplier, 1, kh, kw]
            long[] s = w.shape();
            w = w.permute(2, 3, 0, 1).dup().reshape(s[2] * s[3], 1, s[0], s[1]);
            group = s[2];
        }
        long outChannels = w.size(0);
        INDArray b = runtime.getParam("b") != null ? runtime.getParam("b").castTo(DataType.DOUBLE).reshape(outChannels)
                : Nd4j.zeros(DataType.DOUBLE, outChannels);
        Long inputPadded = paddedChannels.get(tensorOf.get(in));
        if (inputPadded != null && group > 1) {
            throw new UnsupportedOperationException("depthwise convolution '" + name + "' after padded channels");
        } else if (inputPadded != null) {
            w = withZeros(w, 1, inputPadded); // the padding channels are read with zero weights
        }
        String resultVertex = name;
        IActivation act = cl.getActivationFn();
        List<String> next = consumers.getOrDefault(name, List.of());
        if (next.size() == 1 && isIdentity(act) && conf.getVertices().get(next.get(0)) instanceof LayerVertex nv
                && unwrap(nv.getLayerConf().getLayer()) instanceof BatchNormalization bn) {
            // y = gamma * (conv(x) + b - mean) / sqrt(var + eps) + beta  ==  conv'(x) + b'
            org.deeplearning4j.nn.api.Layer bnRuntime = graph.getLayer(next.get(0));
            INDArray scale = bnParam(bnRuntime, "gamma").div(sqrt(bnParam(bnRuntime, "var").add(bn.getEps())));
            w = w.mul(scale.reshape(outChannels, 1, 1, 1));
            b = b.sub(bnParam(bnRuntime, "mean")).mul(scale).add(bnParam(bnRuntime, "beta"));
            folded.add(next.get(0));
            resultVertex = next.get(0);
            act = bn.getActivationFn();
        }
        long paddedOut = (outChannels + channelBlock - 1) / channelBlock * channelBlock;
        boolean padOutput = group == 1 && paddedOut > outChannels && keepsZero(act) && takesPaddedChannels(resultVertex);
        if (padOutput) {
            w = withZeros(w, 0, paddedOut);
            b = withZeros(b, 0, paddedOut);
        }
        int[] k = cl.getKernelSize();
        int[] s = cl.getStride();
        long[] pads = pendingPads.getOrDefault(in, new long[4]).clone();
        if (cl.getConvolutionMode() == ConvolutionMode.Same) {
            if (s[0] != 1 || s[1] != 1) {
                throw new UnsupportedOperationException("'Same' convolution with stride " + s[0] + " at '" + name + "'");
            }
            pads[0] += (k[0] - 1) / 2;
            pads[2] += k[0] / 2;
            pads[1] += (k[1] - 1) / 2;
            pads[3] += k[1] / 2;
        } else {
            int[] p = cl.getPadding();
            pads[0] += p[0];
            pads[2] += p[0];
            pads[1] += p[1];
            pads[3] += p[1];
        }
        Onnx.NodeProto.Builder conv = node("Conv",
                List.of(tensorOf.get(in), initializer(name + "/W", w), initializer(name + "/b", b)), name + "/conv")
                .addAttribute(intsAttr("kernel_shape", k[0], k[1]))
                .addAttribute(intsAttr("strides", s[0], s[1]))
                .addAttribute(intsAttr("pads", pads))
                .addAttribute(intsAttr("dilations", cl.getDilation()[0], cl.getDilation()[1]))
                .addAttribute(intAttr("group", group));
        out.addNode(conv);
        String result = activation(resultVertex, act, name + "/conv");
        if (padOutput) {
            paddedChannels.put(result, paddedOut);
        }
        tensorOf.put(name, name + "/conv");
        tensorOf.put(resultVertex, result);
    }

    /** A tensor computed element-wise from a padded one is padded alike. */
    private void inheritPadding(String from, String to) {
        Long width = paddedChannels.get(from);
        if (width != null) {
            paddedChannels.put(to, width);
        }
    }

    /** Whether an activation maps the padding's zeros to zero. */
    private static boolean keepsZero(IActivation a) {
        return isIdentity(a) || a instanceof ActivationReLU || a instanceof ActivationReLU6;
    }

    /** {@code a} extended along {@code axis} to {@code size} with zeros. */
    private static INDArray withZeros(INDArray a, int axis, long size) {
        long[] shape = a.shape().clone();
        shape[axis] = size - shape[axis];
        return Nd4j.concat(axis, a, Nd4j.zeros(DataType.DOUBLE, shape));
    }

    /**
     * Whether every use of a vertex's output keeps zero channels zero and ends in a standard convolution: through
     * ReLU/ReLU6 activations, zero padding and residual adds only (a depthwise convolution, pooling or dense layer
     * would need the padding cut off again).
     */
    private boolean takesPaddedChannels(String vertex) {
        List<String> uses = consumers.getOrDefault(vertex, List.of());
        if (uses.isEmpty()) {
            return false; // a network output keeps its width
        }
        for (String use : uses) {
            GraphVertex v = conf.getVertices().get(use);
            if (v instanceof FrozenVertex frozen) {
                v = frozen.getUnderlying();
            }
            boolean ok;
            if (v instanceof ElementWiseVertex ew) {
                ok = ew.getOp() == ElementWiseVertex.Op.Add && takesPaddedChannels(use);
            } else if (v instanceof LayerVertex lv) {
                Layer layer = unwrap(lv.getLayerConf().getLayer());
                ok = layer instanceof ConvolutionLayer && !(layer instanceof DepthwiseConvolution2D)
                        || (layer instanceof ZeroPaddingLayer || layer instanceof ActivationLayer al && keepsZero(al.getActivationFn()))
                        && takesPaddedChannels(use);
            } else {
                ok = false;
            }
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private void batchNormAlone(String name, BatchNormalization bn, String in) {
        org.deeplearning4j.nn.api.Layer runtime = graph.getLayer(name);
        List<String> ins = List.of(tensorOf.get(in),
                initializer(name + "/gamma", bnParam(runtime, "gamma")), initializer(name + "/beta", bnParam(runtime, "beta")),
                initializer(name + "/mean", bnParam(runtime, "mean")), initializer(name + "/var", bnParam(runtime, "var")));
        out.addNode(node("BatchNormalization", ins, name + "/bn").addAttribute(floatAttr("epsilon", (float) bn.getEps())));
        tensorOf.put(name, activation(name, bn.getActivationFn(), name + "/bn"));
    }

    private static INDArray bnParam(org.deeplearning4j.nn.api.Layer bn, String key) {
        INDArray p = bn.getParam(key);
        if (p == null) {
            throw new UnsupportedOperationException("batch norm '" + bn.conf().getLayer().getLayerName()
                    + "' has no '" + key + "' (log-std batch norm is not exported)");
        }
        return p.castTo(DataType.DOUBLE).reshape(p.length());
    }

    private static INDArray sqrt(INDArray x) {
        return org.nd4j.linalg.ops.transforms.Transforms.sqrt(x, true);
    }

    private static boolean isIdentity(IActivation a) {
        return a == null || a instanceof ActivationIdentity;
    }

    /** @return the tensor holding {@code input} after the activation */
    private String activation(String vertex, IActivation a, String input) {
        if (isIdentity(a)) {
            return input;
        }
        String result = vertex + "/act";
        if (a instanceof ActivationReLU6) {
            String lo = initializer(vertex + "/clip_min", Nd4j.scalar(0.0));
            String hi = initializer(vertex + "/clip_max", Nd4j.scalar(6.0));
            out.addNode(node("Clip", List.of(input, lo, hi), result));
        } else if (a instanceof ActivationReLU) {
            out.addNode(node("Relu", List.of(input), result));
        } else if (a instanceof ActivationSoftmax) {
            out.addNode(node("Softmax", List.of(input), result).addAttribute(intAttr("axis", 1)));
        } else {
            throw new UnsupportedOperationException("activation " + a + " at '" + vertex + "'");
        }
        return result;
    }

    private String initializer(String name, INDArray value) {
        float[] data = value.castTo(DataType.FLOAT).dup('c').data().asFloat();
        ByteBuffer bytes = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(data);
        Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name)
                .setDataType(Onnx.TensorProto.DataType.FLOAT).setRawData(ByteString.copyFrom(bytes.array()));
        for (long d : value.shape()) {
            t.addDims(d);
        }
        out.addInitializer(t);
        return name;
    }

    private static Onnx.NodeProto.Builder node(String op, List<String> inputs, String output) {
        return Onnx.NodeProto.newBuilder().setOpType(op).setName(output).addAllInput(inputs).addOutput(output);
    }

    private static Onnx.AttributeProto intAttr(String name, long v) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INT).setI(v).build();
    }

    private static Onnx.AttributeProto floatAttr(String name, float v) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.FLOAT).setF(v).build();
    }

    private static Onnx.AttributeProto intsAttr(String name, long... v) {
        Onnx.AttributeProto.Builder a = Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INTS);
        for (long x : v) {
            a.addInts(x);
        }
        return a.build();
    }

    private static Onnx.ValueInfoProto valueInfo(String name, Onnx.TensorProto.DataType type, long... dims) {
        Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(d < 0 ? Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("batch")
                    : Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
                .setTensorType(Onnx.TypeProto.Tensor.newBuilder()
                        .setElemType(type).setShape(shape))).build();
    }
}
