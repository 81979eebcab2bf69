package org.facemask.score;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;
import org.facemask.config.ImageSettings;
import org.facemask.evaluate.Metrics;
import org.apache.spark.TaskContext;
import org.facemask.detect.DetectorModel;
import org.facemask.detect.FaceBox;
import org.facemask.detect.FaceFinder;
import org.facemask.image.ImageDecoder;
import org.facemask.image.ImageLoader;
import org.facemask.image.RgbImage;
import org.facemask.image.ImageRejectedException;
import org.facemask.inference.SparkInference;
import org.facemask.model.InferenceModel;
import org.facemask.prepare.InputFile;
import org.facemask.storage.BroadcastHadoopConf;

import java.io.IOException;
import java.sql.Timestamp;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Runs in the tasks: reads each file (or each entry of an archive), decodes it with the shared loader, and scores
 * the images in batches with the executor's model. Every image becomes exactly one row (probabilities, or the
 * reason it could not be scored); with a face detector, one row per face found, and one row with faces_found = 0
 * for a photo without any. Rows as {@link ScoreStage#SCORED}.
 */
final class ScorePartition implements FlatMapFunction<Iterator<InputFile>, Row> {
    private static final long serialVersionUID = 1L;
    private final BroadcastHadoopConf hadoop;
    private final ImageSettings image;
    private final List<String> classes;
    private final SparkInference.Handle model;
    private final int batchSize;
    private final Timers timers;
    /** Null: the whole image is one face (as the training images); else every face found is scored. */
    private final DetectorModel detector;
    /** Archive entries larger than this are a row with the reason, never buffered (score.max-entry-bytes). */
    private final long maxEntryBytes;

    /** Task-seconds per phase, for the run's closing log line and the benchmark. */
    record Timers(LongAccumulator read, LongAccumulator decode, LongAccumulator inference) implements java.io.Serializable {
    }

    ScorePartition(BroadcastHadoopConf hadoop, ImageSettings image, List<String> classes, SparkInference.Handle model,
                   int batchSize, Timers timers, DetectorModel detector, long maxEntryBytes) {
        this.hadoop = hadoop;
        this.image = image;
        this.classes = List.copyOf(classes);
        this.model = model;
        this.batchSize = batchSize;
        this.timers = timers;
        this.detector = detector;
        this.maxEntryBytes = maxEntryBytes;
    }

    /** A row of {@link ScoreStage#SCORED}; {@code face} is null when whole images are scored. */
    private static Row row(String path, Timestamp modified, long size, Face face, String label, float[] probabilities,
                           String error) {
        if (face == null) {
            return RowFactory.create(path, modified, size, null, null, null, null, null, null, null, label,
                    probabilities, error);
        }
        FaceBox b = face.box();
        return RowFactory.create(path, modified, size, face.index(), b == null ? null : (float) b.x(),
                b == null ? null : (float) b.y(), b == null ? null : (float) b.w(), b == null ? null : (float) b.h(),
                b == null ? null : b.confidence(), face.found(), label, probabilities, error);
    }

    /** Which face of a photo a row is about; a photo without faces has one row with index and box null. */
    private record Face(Integer index, FaceBox box, int found) {
    }

    @Override
    public Iterator<Row> call(Iterator<InputFile> files) {
        InferenceModel network = model.get();
        ImageLoader loader = new ImageLoader(image);
        ImageDecoder decoder = new ImageDecoder(image);
        FaceFinder finder = detector == null ? null : detector.open();
        if (finder != null) {
            TaskContext.get().addTaskCompletionListener((TaskContext context) -> finder.close());
        }
        return new Iterator<>() {
            private final ArrayDeque<Row> ready = new ArrayDeque<>();
            private final List<Object[]> pending = new ArrayList<>();
            private final List<byte[]> pendingPixels = new ArrayList<>();

            /** The face part of a row for an image that could not be read: none in whole-image mode. */
            private Face noFace() {
                return finder == null ? null : new Face(null, null, 0);
            }

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
                if (!file.readable()) { // rejected by the listing (a FIFO, a loop, a name not in UTF-8): never opened
                    ready.add(row(file.path(), modified, file.sizeBytes(), noFace(), null, null,
                            file.rejection().code() + ": " + file.detail()));
                    return;
                }
                long start = System.nanoTime();
                try {
                    if (ArchiveEntries.isArchive(file.path())) {
                        readArchive(file.fileSystem(hadoop.get()), new Path(file.path()), file, modified);
                    } else {
                        byte[] bytes = file.readAll(hadoop.get());
                        timers.read().add(System.nanoTime() - start);
                        decode(file.path(), modified, bytes);
                    }
                } catch (ArchiveEntries.DamagedArchiveException e) {
                    // the entries before the damage have their rows; this one says where the archive broke off
                    ready.add(row(file.path(), modified, file.sizeBytes(), noFace(), null, null, e.getMessage()));
                } catch (IOException | RuntimeException | OutOfMemoryError e) {
                    ready.add(row(file.path(), modified, file.sizeBytes(), noFace(), null, null, "cannot read: " + e));
                }
            }

            /** One row per entry (scored, or why not); an archive without any file gets one row of its own. */
            private void readArchive(FileSystem fs, Path path, InputFile file, Timestamp modified) throws IOException {
                String prefix = file.path() + ArchiveEntries.SEPARATOR;
                int entries = ArchiveEntries.read(fs, path, maxEntryBytes, new ArchiveEntries.EntryHandler() {
                    @Override
                    public void file(String name, byte[] bytes) {
                        decode(prefix + name, modified, bytes);
                    }

                    @Override
                    public void notRead(String name, long size, String reason) {
                        ready.add(row(prefix + name, modified, size, noFace(), null, null, reason));
                    }
                });
                if (entries == 0) {
                    ready.add(row(file.path(), modified, file.sizeBytes(), noFace(), null, null,
                            "empty_archive: no file entries"));
                }
            }

            private void decode(String path, Timestamp modified, byte[] bytes) {
                long start = System.nanoTime();
                try {
                    if (finder == null) {
                        pendingPixels.add(loader.load(bytes).pixels().rgb());
                        pending.add(new Object[]{path, modified, (long) bytes.length, null});
                    } else {
                        RgbImage photo = decoder.decode(bytes).image();
                        List<FaceBox> faces = finder.find(photo);
                        if (faces.isEmpty()) {
                            ready.add(row(path, modified, bytes.length, new Face(null, null, 0), null, null, null));
                        }
                        for (int i = 0; i < faces.size(); i++) {
                            pendingPixels.add(finder.crop(photo, faces.get(i), image.size()).rgb());
                            pending.add(new Object[]{path, modified, (long) bytes.length, new Face(i, faces.get(i), faces.size())});
                        }
                    }
                } catch (ImageRejectedException e) {
                    ready.add(row(path, modified, bytes.length, noFace(), null, null, e.reason().code() + ": " + e.getMessage()));
                } catch (RuntimeException e) {
                    ready.add(row(path, modified, bytes.length, noFace(), null, null, "corrupt: decoder failed: " + e.getMessage()));
                } catch (OutOfMemoryError e) { // that image's allocation failed and is not held: the task goes on
                    ready.add(row(path, modified, bytes.length, noFace(), null, null, "out_of_memory: decoding: " + e.getMessage()));
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
                    ready.add(row((String) p[0], (Timestamp) p[1], (long) p[2], (Face) p[3],
                            classes.get(Metrics.argmax(probabilities[i])), probabilities[i], null));
                }
                pending.clear();
                pendingPixels.clear();
            }
        };
    }
}
