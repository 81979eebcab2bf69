package org.facemask.score;

import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;
import org.facemask.config.ImageSettings;
import org.facemask.evaluate.Metrics;
import org.facemask.image.ImageLoader;
import org.facemask.image.ImageRejectedException;
import org.facemask.inference.ExecutorModels;
import org.facemask.model.InferenceEngine;
import org.facemask.model.InferenceModel;
import org.facemask.prepare.InputFile;
import org.facemask.storage.SerializableHadoopConf;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Timestamp;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Runs in the tasks: reads each file (or each entry of an archive), decodes it with the shared loader, and scores
 * the images in batches with the executor's model. Every image becomes exactly one row: probabilities, or the
 * reason it could not be scored. Rows: path, modification_time, size_bytes, label, probabilities, error.
 */
final class ScorePartition implements FlatMapFunction<Iterator<InputFile>, Row> {
    private static final long serialVersionUID = 1L;
    private final SerializableHadoopConf hadoop;
    private final ImageSettings image;
    private final List<String> classes;
    private final InferenceEngine engine;
    private final Broadcast<byte[]> model;
    private final int batchSize;
    private final int threads;
    private final Timers timers;

    /** Task-seconds per phase, for the run's closing log line and the benchmark. */
    record Timers(LongAccumulator read, LongAccumulator decode, LongAccumulator inference) implements java.io.Serializable {
    }

    ScorePartition(SerializableHadoopConf hadoop, ImageSettings image, List<String> classes, InferenceEngine engine,
                   Broadcast<byte[]> model, int batchSize, int threads, Timers timers) {
        this.hadoop = hadoop;
        this.image = image;
        this.classes = List.copyOf(classes);
        this.engine = engine;
        this.model = model;
        this.batchSize = batchSize;
        this.threads = threads;
        this.timers = timers;
    }

    @Override
    public Iterator<Row> call(Iterator<InputFile> files) {
        InferenceModel network = ExecutorModels.model(engine, model, image.size(), threads);
        ImageLoader loader = new ImageLoader(image);
        return new Iterator<>() {
            private final ArrayDeque<Row> ready = new ArrayDeque<>();
            private final List<Object[]> pending = new ArrayList<>();
            private final List<byte[]> pendingPixels = new ArrayList<>();

            @Override
            public boolean hasNext() {
                while (ready.isEmpty() && (files.hasNext() || !pending.isEmpty())) {
                    if (files.hasNext()) {
                        read(files.next());
                    } else {
                        flush();
                    }
                }
                return !ready.isEmpty();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.poll();
            }

            private void read(InputFile file) {
                Timestamp modified = new Timestamp(file.modificationTime());
                long start = System.nanoTime();
                Path path = new Path(file.path());
                try (InputStream in = path.getFileSystem(hadoop.get()).open(path)) {
                    if (ArchiveEntries.isArchive(file.path())) {
                        ArchiveEntries.read(file.path(), in, (name, size, bytes, error) -> {
                            String entryPath = file.path() + "!/" + name;
                            if (bytes == null) {
                                ready.add(RowFactory.create(entryPath, modified, size, null, null, error));
                            } else {
                                decode(entryPath, modified, bytes);
                            }
                        });
                    } else {
                        byte[] bytes = in.readAllBytes();
                        timers.read().add(System.nanoTime() - start);
                        decode(file.path(), modified, bytes);
                    }
                } catch (IOException | RuntimeException | OutOfMemoryError e) {
                    ready.add(RowFactory.create(file.path(), modified, file.sizeBytes(), null, null,
                            (ArchiveEntries.isArchive(file.path()) ? "damaged archive: " : "cannot read: ") + e));
                }
            }

            private void decode(String path, Timestamp modified, byte[] bytes) {
                long start = System.nanoTime();
                try {
                    pendingPixels.add(loader.load(bytes).pixels().rgb());
                    pending.add(new Object[]{path, modified, (long) bytes.length});
                } catch (ImageRejectedException e) {
                    ready.add(RowFactory.create(path, modified, (long) bytes.length, null, null,
                            e.reason().code() + ": " + e.getMessage()));
                } catch (RuntimeException e) {
                    ready.add(RowFactory.create(path, modified, (long) bytes.length, null, null,
                            "corrupt: decoder failed: " + e.getMessage()));
                } finally {
                    timers.decode().add(System.nanoTime() - start);
                }
                if (pending.size() >= batchSize) {
                    flush();
                }
            }

            private void flush() {
                if (pending.isEmpty()) {
                    return;
                }
                long start = System.nanoTime();
                float[][] probabilities = network.run(pendingPixels);
                timers.inference().add(System.nanoTime() - start);
                for (int i = 0; i < pending.size(); i++) {
                    Object[] p = pending.get(i);
                    ready.add(RowFactory.create(p[0], p[1], p[2], classes.get(Metrics.argmax(probabilities[i])), probabilities[i],
                            null));
                }
                pending.clear();
                pendingPixels.clear();
            }
        };
    }
}
