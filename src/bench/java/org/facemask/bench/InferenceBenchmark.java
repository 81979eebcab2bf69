package org.facemask.bench;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.facemask.config.ImageSettings;
import org.facemask.image.ImageDecoder;
import org.facemask.image.ImageFormat;
import org.facemask.image.ImageLoader;
import org.facemask.image.ImageRejectedException;
import org.facemask.image.JpegDecoder;
import org.facemask.model.Dl4jModel;
import org.facemask.model.Dl4jOneDnn;
import org.facemask.model.InferenceModel;
import org.facemask.model.KerasWeights;
import org.facemask.model.MobileNetV2;
import org.facemask.model.OnnxExporter;
import org.facemask.model.OnnxModel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Plain single-JVM loops, no Spark: decode + resize rate, and backbone inference rate of each engine at several
 * batch sizes, with one or two concurrent callers. Prints one line per configuration (median of the timed rounds).
 * Then the two JPEG decoders over the whole dataset, and the ONNX export with and without channel padding.
 *
 * <p>Run with src/bench/inference.sh (it sets the class path and the weights file). With "probe" as the last
 * argument it measures only ONNX Runtime, two single-threaded sessions at batch 8 (what featurize and scoring
 * tasks run), and prints one line: the machine's speed at that moment, which the Spark benchmarks print next to
 * their own rates because this VM's speed drifts between minutes.
 */
public final class InferenceBenchmark {
    private static final double MACS_PER_IMAGE = 59.2e6; // MobileNetV2(0.35) at 224
    private static final double PEAK_FLOPS = 2 * 32 * 2.45e9; // 2 cores x 32 FP32 FLOP/cycle (AVX2 FMA) x 2.45 GHz

    public static void main(String[] args) throws Exception {
        Path dataset = Path.of(args[0]);
        Path weights = Path.of(args[1]);
        int images = args.length > 2 ? Integer.parseInt(args[2]) : 256;
        boolean probe = args.length > 3 && args[3].equals("probe");
        boolean dl4j = !probe && (args.length <= 3 || Boolean.parseBoolean(args[3]));
        if (!probe) {
            System.out.printf("cores: %d; images: %d from %s%n", Runtime.getRuntime().availableProcessors(), images, dataset);
        }

        List<Path> files;
        try (Stream<Path> s = Files.walk(dataset)) {
            files = s.filter(Files::isRegularFile).sorted().limit(images).toList();
        }
        List<byte[]> encoded = new ArrayList<>();
        for (Path f : files) {
            encoded.add(Files.readAllBytes(f));
        }
        ImageLoader loader = new ImageLoader(new ImageSettings(224, 40_000_000));
        List<byte[]> pixels = new ArrayList<>();
        long t = System.nanoTime();
        for (byte[] e : encoded) {
            pixels.add(loader.load(e).pixels().rgb());
        }
        double decodeRate = encoded.size() / ((System.nanoTime() - t) / 1e9);

        ComputationGraph graph = new ComputationGraph(MobileNetV2.backbone(0.35, 224, 1));
        graph.init();
        KerasWeights.load(weights, graph);
        byte[] onnx = OnnxExporter.export(graph, 224);
        if (probe) {
            try (OnnxModel two = new OnnxModel(onnx, 224, 1)) {
                System.out.printf("machine probe: plain-loop onnxruntime, 2 sessions x 1 thread, batch 8: %.0f images/s%n",
                        rate(two, pixels, 8, 2));
            }
            return;
        }
        System.out.printf("decode+resize (1 thread; %s): %.0f images/s%n", JpegDecoder.AUTO.describe(), decodeRate);
        // Layers read the helper switch when they are created: a second copy, created after enabling it.
        System.out.println("oneDNN helpers available: " + Dl4jOneDnn.enable());
        ComputationGraph withOneDnn = graph.clone();
        for (int batch : new int[]{1, 8, 32}) {
            try (OnnxModel one = new OnnxModel(onnx, 224, 2)) {
                report("onnxruntime 1 session x 2 threads", batch, rate(one, pixels, batch, 1));
            }
            try (OnnxModel two = new OnnxModel(onnx, 224, 1)) {
                report("onnxruntime 2 sessions x 1 thread", batch, rate(two, pixels, batch, 2));
            }
            if (batch == 8) {
                try (OnnxModel two = new OnnxModel(onnx, 224, 1)) {
                    // what a scoring task does: decode + resize a batch, then run it; two tasks at once
                    report("decode + onnxruntime, 2 x 1 thread", batch, rate(encoded, batch, 2,
                            chunk -> two.run(chunk.stream().map(e -> loader.load(e).pixels().rgb()).toList())));
                }
            }
            if (dl4j && batch > 1) {
                report("dl4j (ND4J threads)", batch, rate(new Dl4jModel(graph, 224), pixels.subList(0, 64), batch, 1));
                report("dl4j + oneDNN helpers (ND4J threads)", batch, rate(new Dl4jModel(withOneDnn, 224), pixels, batch, 1));
            }
        }
        compareJpegDecoders(dataset);
        compareChannelBlocks(graph, pixels);
    }

    /**
     * Decode + squash to 224 of every file of the dataset with each JPEG decoder, CPU time of this thread, in five
     * alternating rounds; JPEGs only (the decoders differ on nothing else), then all files.
     */
    private static void compareJpegDecoders(Path dataset) throws Exception {
        if (!JpegDecoder.AUTO.usesTurboJpeg()) {
            System.out.println("JPEG decoders: not compared, " + JpegDecoder.AUTO.describe());
            return;
        }
        List<byte[]> all = new ArrayList<>();
        List<byte[]> jpegs = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dataset)) {
            for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                byte[] bytes = Files.readAllBytes(f);
                all.add(bytes);
                if (ImageFormat.sniff(bytes) == ImageFormat.JPEG) {
                    jpegs.add(bytes);
                }
            }
        }
        JpegDecoder[] decoders = {JpegDecoder.OPENCV, JpegDecoder.TURBOJPEG};
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        for (List<byte[]> files : List.of(jpegs, all)) {
            double[][] ms = new double[decoders.length][5];
            for (int round = -1; round < ms[0].length; round++) { // round -1 warms both up
                for (int d = 0; d < decoders.length; d++) {
                    ImageDecoder decoder = new ImageDecoder(40_000_000, decoders[d]);
                    long start = cpu.getCurrentThreadCpuTime();
                    for (byte[] bytes : files) {
                        try {
                            decoder.decodeSquare(bytes, 224);
                        } catch (ImageRejectedException e) {
                            // the same for both decoders; only the time matters here
                        }
                    }
                    if (round >= 0) {
                        ms[d][round] = (cpu.getCurrentThreadCpuTime() - start) / 1e6 / files.size();
                    }
                }
            }
            for (int d = 0; d < decoders.length; d++) {
                java.util.Arrays.sort(ms[d]);
                System.out.printf("decode + squash to 224, %d %s, %-9s: %.3f ms CPU per file (median of 5 alternating"
                        + " rounds, %.3f-%.3f)%n", files.size(), files == jpegs ? "JPEGs" : "files (all formats)",
                        decoders[d].code(), ms[d][2], ms[d][0], ms[d][4]);
            }
        }
    }

    /**
     * OnnxExporter's channel padding off (block 1) and on (block 16), one single-threaded session each, batch 8, in
     * five alternating rounds so that the VM's drift falls on both alike; this CPU's own choice is printed with them.
     */
    private static void compareChannelBlocks(ComputationGraph graph, List<byte[]> pixels) throws Exception {
        int[] blocks = {1, 16};
        double[][] rates = new double[blocks.length][5];
        try (OnnxModel plain = new OnnxModel(OnnxExporter.export(graph, 224, 1), 224, 1);
             OnnxModel padded = new OnnxModel(OnnxExporter.export(graph, 224, 16), 224, 1)) {
            OnnxModel[] models = {plain, padded};
            for (int round = 0; round < rates[0].length; round++) {
                for (int m = 0; m < models.length; m++) {
                    rates[m][round] = rate(models[m], pixels, 8, 1);
                }
            }
        }
        for (int m = 0; m < blocks.length; m++) {
            java.util.Arrays.sort(rates[m]);
            System.out.printf("onnxruntime 1 session x 1 thread, batch 8, channel block %2d: %6.1f images/s (median of 5"
                    + " alternating rounds, %.1f-%.1f)%n", blocks[m], rates[m][2], rates[m][0], rates[m][4]);
        }
        System.out.println("channel block this CPU gets: " + OnnxExporter.channelBlockOfThisCpu());
    }

    private static void report(String engine, int batch, double rate) {
        System.out.printf("%-36s batch %2d: %6.1f images/s (%.1f%% of the %.0f images/s compute-bound ceiling)%n",
                engine, batch, rate, 100 * rate / (PEAK_FLOPS / (2 * MACS_PER_IMAGE)), PEAK_FLOPS / (2 * MACS_PER_IMAGE));
    }

    /** Median images/s over 3 timed rounds after a warm-up round; {@code callers} threads share the work. */
    private static double rate(InferenceModel engine, List<byte[]> pixels, int batch, int callers) throws Exception {
        return rate(pixels, batch, callers, engine::run);
    }

    /** The same, each batch of {@code items} handed to {@code work} by one of {@code callers} threads. */
    private static <T> double rate(List<T> items, int batch, int callers, java.util.function.Consumer<List<T>> work)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            double[] rounds = new double[4];
            for (int r = 0; r < rounds.length; r++) {
                long start = System.nanoTime();
                List<Future<?>> jobs = new ArrayList<>();
                for (int c = 0; c < callers; c++) {
                    int from = c * items.size() / callers;
                    int to = (c + 1) * items.size() / callers;
                    jobs.add(pool.submit(() -> {
                        for (int i = from; i < to; i += batch) {
                            work.accept(items.subList(i, Math.min(to, i + batch)));
                        }
                    }));
                }
                for (Future<?> j : jobs) {
                    j.get();
                }
                rounds[r] = items.size() / ((System.nanoTime() - start) / 1e9);
            }
            double[] timed = java.util.Arrays.copyOfRange(rounds, 1, rounds.length);
            java.util.Arrays.sort(timed);
            return timed[timed.length / 2];
        } finally {
            pool.shutdown();
        }
    }
}
