package org.facemask.inference;

import org.facemask.config.ImageSettings;
import org.facemask.detect.DetectorModel;
import org.facemask.detect.FaceBox;
import org.facemask.detect.FaceFinder;
import org.facemask.image.ImageDecoder;
import org.facemask.image.ImageLoader;
import org.facemask.image.ImageRejectedException;
import org.facemask.image.ImageResizer;
import org.facemask.image.RgbImage;
import org.facemask.model.InferenceModel;
import org.facemask.model.Prediction;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Queue;
import java.util.function.Consumer;

/**
 * Image bytes in, predictions out: decode, (find the faces and crop each), batch, run the network, turn the
 * probabilities into a label. The one way the score job, face evaluation, the Spark ML stage and the SQL functions
 * score an image, whole (no detector: the image is squashed to the network's size, as the training images were) or
 * face by face. Runs inside a task, one per partition; not thread-safe; close it (it holds the face detector).
 *
 * <p>Every image given to {@link #add} comes out exactly once through the {@link Sink}, in the order given: as its
 * prediction, one per face found, no face found, or the reason it could not be scored. Outcomes wait for the batch
 * their pixels are in; {@link #flush} at the end of the input.
 *
 * @param <K> what the caller needs to know which image an outcome is about (a path, a row)
 */
public final class ImageScorer<K> implements AutoCloseable {
    /** Receives each image's outcome. */
    public interface Sink<K> {
        /** @param face null in whole-image mode */
        void scored(K key, Face face, Prediction prediction);

        /** Per-face mode: a photo in which no face was found. */
        void noFace(K key);

        /** @param reason starts with a reject code (not_an_image, corrupt, too_many_pixels, ...) */
        void failed(K key, String reason);
    }

    /** Where the time goes, for the score job's closing line; {@link #NONE} to not measure. */
    public interface Timing {
        Timing NONE = new Timing() {
            @Override
            public void decode(long nanos) {
            }

            @Override
            public void inference(long nanos) {
            }
        };

        /** Decoding, resizing, and in per-face mode detection and cropping. */
        void decode(long nanos);

        /** The network's forward pass, preprocessing included. */
        void inference(long nanos);
    }

    /** Which face of a photo a prediction is about: face {@code index} (left to right) of {@code found}. */
    public record Face(int index, FaceBox box, int found) {
    }

    /**
     * What a task needs to build its scorer, shipped from the driver (small: the network itself is reached through
     * the executor's copy, {@link SparkInference.Handle}).
     *
     * @param image    decoding settings, at the network's image size
     * @param detector null to score whole images
     */
    public record Setup(ImageSettings image, List<String> classes, SparkInference.Handle model, int batchSize,
                        DetectorModel detector) implements Serializable {
        public Setup {
            classes = List.copyOf(classes);
        }

        /** In a task: the executor's network (built once per JVM), and a face detector of the task's own. */
        public <K> ImageScorer<K> open(Timing timing, Sink<K> sink) {
            return new ImageScorer<>(image, classes, model.get(), batchSize, detector, timing, sink);
        }
    }

    /** An outcome waiting for its batch: {@code pixels} is -1 for one that needs no network (failed, no face). */
    private record Pending<K>(K key, Face face, int pixels, String failure) {
    }

    private final ImageLoader loader;
    private final ImageDecoder decoder;
    private final int size;
    private final List<String> classes;
    private final InferenceModel network;
    private final int batchSize;
    private final FaceFinder finder;
    private final Timing timing;
    private final Sink<K> sink;
    private final List<Pending<K>> pending = new ArrayList<>();
    private final List<byte[]> pixels = new ArrayList<>();

    /**
     * @param image    decoding settings, at the network's image size
     * @param detector null to score whole images
     */
    public ImageScorer(ImageSettings image, List<String> classes, InferenceModel network, int batchSize,
                       DetectorModel detector, Timing timing, Sink<K> sink) {
        this.loader = new ImageLoader(image);
        this.decoder = new ImageDecoder(image);
        this.size = image.size();
        this.classes = List.copyOf(classes);
        this.network = network;
        this.batchSize = batchSize;
        this.finder = detector == null ? null : detector.open();
        this.timing = timing;
        this.sink = sink;
    }

    public boolean perFace() {
        return finder != null;
    }

    /** Scores an image file's bytes (JPEG, PNG, ...; what the score job reads). */
    public void add(K key, byte[] bytes) {
        long start = System.nanoTime();
        try {
            if (finder == null) {
                queue(key, null, loader.load(bytes).pixels());
            } else {
                queueFaces(key, decoder.decode(bytes).image());
            }
        } catch (ImageRejectedException e) {
            pending.add(new Pending<>(key, null, -1, e.reason().code() + ": " + e.getMessage()));
        } catch (RuntimeException e) {
            pending.add(new Pending<>(key, null, -1, "corrupt: decoder failed: " + e.getMessage()));
        } catch (OutOfMemoryError e) { // that image's allocation failed and is not held: the task goes on
            pending.add(new Pending<>(key, null, -1, "out_of_memory: decoding: " + e.getMessage()));
        } finally {
            timing.decode(System.nanoTime() - start);
        }
        flushIfFull();
    }

    /** Scores an image already decoded (upright RGB at its own size, e.g. from Spark's image data source). */
    public void add(K key, RgbImage image) {
        long start = System.nanoTime();
        if (finder == null) {
            queue(key, null, ImageResizer.squareResize(image, size));
        } else {
            queueFaces(key, image);
        }
        timing.decode(System.nanoTime() - start);
        flushIfFull();
    }

    /** Records an image that cannot be scored (unreadable before it reached the scorer), in its place in the order. */
    public void reject(K key, String reason) {
        pending.add(new Pending<>(key, null, -1, reason));
    }

    private void queueFaces(K key, RgbImage photo) {
        List<FaceBox> faces = finder.find(photo);
        if (faces.isEmpty()) {
            pending.add(new Pending<>(key, null, -1, null));
        }
        for (int i = 0; i < faces.size(); i++) {
            queue(key, new Face(i, faces.get(i), faces.size()), finder.crop(photo, faces.get(i), size));
        }
    }

    private void queue(K key, Face face, RgbImage networkInput) {
        pending.add(new Pending<>(key, face, pixels.size(), null));
        pixels.add(networkInput.rgb());
    }

    private void flushIfFull() {
        if (pixels.size() >= batchSize) {
            flush();
        }
    }

    /** Runs the network on what is queued and hands every waiting outcome to the sink, in order. */
    public void flush() {
        float[][] probabilities = new float[0][];
        if (!pixels.isEmpty()) {
            long start = System.nanoTime();
            probabilities = network.run(pixels);
            timing.inference(System.nanoTime() - start);
        }
        List<Pending<K>> done = List.copyOf(pending);
        pending.clear();
        pixels.clear();
        for (Pending<K> p : done) {
            if (p.pixels() >= 0) {
                sink.scored(p.key(), p.face(), Prediction.of(classes, probabilities[p.pixels()]));
            } else if (p.failure() != null) {
                sink.failed(p.key(), p.failure());
            } else {
                sink.noFace(p.key());
            }
        }
    }

    /** Whether outcomes are waiting for {@link #flush}. */
    public boolean hasPending() {
        return !pending.isEmpty();
    }

    /**
     * A task's output, pulled as Spark asks for it: the next input is fed to this scorer whenever no output is
     * ready, and what is queued is flushed at the end of the input, so a partition is never held whole.
     *
     * @param feed  hands one input to this scorer ({@link #add} or {@link #reject})
     * @param ready where this scorer's sink puts the outputs
     */
    public <T, R> Iterator<R> outputs(Iterator<T> inputs, Consumer<T> feed, Queue<R> ready) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                while (ready.isEmpty() && (inputs.hasNext() || hasPending())) {
                    if (inputs.hasNext()) {
                        feed.accept(inputs.next());
                    } else {
                        flush();
                    }
                }
                return !ready.isEmpty();
            }

            @Override
            public R next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.poll();
            }
        };
    }

    @Override
    public void close() {
        if (finder != null) {
            finder.close();
        }
    }
}
