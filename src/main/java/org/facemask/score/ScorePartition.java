package org.facemask.score;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.facemask.inference.ImageScorer;
import org.facemask.model.Prediction;
import org.facemask.source.InputFile;
import org.facemask.storage.BroadcastHadoopConf;

import java.io.IOException;
import java.sql.Timestamp;
import java.util.ArrayDeque;
import java.util.Iterator;
import org.facemask.source.ArchiveEntries;

/**
 * Runs in the tasks: reads each file (or each entry of an archive) and hands its bytes to the shared
 * {@link ImageScorer}, which scores the images in batches with the executor's model. Every image becomes exactly one row (probabilities, or the
 * reason it could not be scored); with a face detector, one row per face found, and one row with faces_found = 0
 * for a photo without any. Rows as {@link ScoreColumns#taskSchema}.
 */
final class ScorePartition implements FlatMapFunction<Iterator<InputFile>, Row> {
    private static final long serialVersionUID = 1L;
    private final BroadcastHadoopConf hadoop;
    private final ImageScorer.Setup scoring;
    private final ScoredFiles.Timers timers;
    /** Archive entries larger than this are a row with the reason, never buffered (score.max-entry-bytes). */
    private final long maxEntryBytes;

    ScorePartition(BroadcastHadoopConf hadoop, ImageScorer.Setup scoring, ScoredFiles.Timers timers, long maxEntryBytes) {
        this.hadoop = hadoop;
        this.scoring = scoring;
        this.timers = timers;
        this.maxEntryBytes = maxEntryBytes;
    }

    /** A task row ({@link ScoreColumns#taskSchema}); {@code face} is null when whole images are scored. */
    private static Row row(Source s, boolean perFace, ImageScorer.Face face, Prediction prediction, String error) {
        return ScoreColumns.taskRow(new ScoreColumns.Outcome(s.path(), s.modified(), s.size(), perFace, face,
                prediction, error));
    }

    /** The file (or archive entry) a row is about. */
    private record Source(String path, Timestamp modified, long size) {
    }

    @Override
    public Iterator<Row> call(Iterator<InputFile> files) {
        ArrayDeque<Row> ready = new ArrayDeque<>();
        boolean perFace = scoring.detector() != null;
        ImageScorer<Source> scorer = scoring.open(new ImageScorer.Timing() {
            @Override
            public void decode(long nanos) {
                timers.decode().add(nanos);
            }

            @Override
            public void inference(long nanos) {
                timers.inference().add(nanos);
            }
        }, new ImageScorer.Sink<>() {
            @Override
            public void scored(Source s, ImageScorer.Face face, Prediction prediction) {
                ready.add(row(s, perFace, face, prediction, null));
            }

            @Override
            public void noFace(Source s) {
                ready.add(row(s, perFace, null, null, null));
            }

            @Override
            public void failed(Source s, String reason) {
                ready.add(row(s, perFace, null, null, reason));
            }
        });
        TaskContext.get().addTaskCompletionListener((TaskContext context) -> scorer.close());
        return scorer.outputs(files, file -> read(scorer, file), ready);
    }

    private void read(ImageScorer<Source> scorer, InputFile file) {
        Timestamp modified = new Timestamp(file.modificationTime());
        Source whole = new Source(file.path(), modified, file.sizeBytes());
        if (!file.readable()) { // rejected by the listing (a FIFO, a loop, a name not in UTF-8): never opened
            scorer.reject(whole, file.rejection().code() + ": " + file.detail());
            return;
        }
        long start = System.nanoTime();
        try {
            if (ArchiveEntries.isArchive(file.path())) {
                readArchive(scorer, file.fileSystem(hadoop.get()), new Path(file.path()), file, modified);
            } else {
                byte[] bytes = file.readAll(hadoop.get());
                timers.read().add(System.nanoTime() - start);
                scorer.add(new Source(file.path(), modified, bytes.length), bytes);
            }
        } catch (ArchiveEntries.DamagedArchiveException e) {
            // the entries before the damage have their rows; this one says where the archive broke off
            scorer.reject(whole, e.getMessage());
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            scorer.reject(whole, "cannot read: " + e);
        }
    }

    /** One row per entry (scored, or why not); an archive without any file gets one row of its own. */
    private void readArchive(ImageScorer<Source> scorer, FileSystem fs, Path path, InputFile file, Timestamp modified)
            throws IOException {
        String prefix = file.path() + ArchiveEntries.SEPARATOR;
        int entries = ArchiveEntries.read(fs, path, maxEntryBytes, new ArchiveEntries.EntryHandler() {
            @Override
            public void file(String name, byte[] bytes) {
                scorer.add(new Source(prefix + name, modified, bytes.length), bytes);
            }

            @Override
            public void notRead(String name, long size, String reason) {
                scorer.reject(new Source(prefix + name, modified, size), reason);
            }
        });
        if (entries == 0) {
            scorer.reject(new Source(file.path(), modified, file.sizeBytes()), "empty_archive: no file entries");
        }
    }
}
