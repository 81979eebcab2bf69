package org.facemask.evaluate;

import org.facemask.prepare.VocAnnotation;
import org.facemask.prepare.VocFolder;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.facemask.detect.DetectorModel;
import org.facemask.detect.ScoredFace;
import org.facemask.config.ImageSettings;
import org.facemask.inference.ImageScorer;
import org.facemask.model.Prediction;
import org.facemask.inference.SparkInference;
import org.facemask.storage.BroadcastHadoopConf;
import org.facemask.storage.Storage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.facemask.source.FilePartitions;

/**
 * Evaluation on photos of several people: a folder with {@code images/} and Pascal VOC {@code annotations/}
 * (one XML per photo, same base name). The photos are decoded, searched for faces and each face classified on the
 * executors; matching against the annotations and the metrics happen on the driver (a few numbers per face).
 */
public final class FaceEvaluation {
    private static final Logger LOG = LoggerFactory.getLogger(FaceEvaluation.class);

    private FaceEvaluation() {
    }

    /** A photo to evaluate, with its annotation. */
    record Task(String path, VocAnnotation annotation) implements Serializable {
    }

    /** The evaluated photos (those without annotation, or whose annotation is unreadable, are in {@code problems}). */
    public record Result(List<FaceMetrics.Photo> photos, Map<String, String> problems, long seconds) {
    }

    /**
     * @param image     decoding settings at the classifier's image size
     * @param batchSize faces per forward pass (model.inference-batch)
     */
    public static Result run(SparkSession spark, URI input, DetectorModel detector, SparkInference classifier,
                             ImageSettings image, List<String> classes, int batchSize) {
        long start = System.nanoTime();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        Map<String, String> problems = new TreeMap<>();
        VocFolder folder = VocFolder.list(input, hadoop);
        folder.unpaired().forEach(u -> problems.put(u.path(), u.reason().code() + ": " + u.detail()));
        List<Task> tasks = new ArrayList<>();
        for (VocFolder.Photo photo : folder.photos()) {
            try {
                tasks.add(new Task(photo.file().path(), VocAnnotation.parse(
                        Storage.readBytes(new Path(photo.annotation().path()).toUri(), hadoop))));
            } catch (IllegalArgumentException e) {
                problems.put(photo.annotation().path(), "unreadable annotation: " + e.getMessage());
            }
        }
        LOG.info("evaluating {} annotated photos ({} files left out, listed in metrics.json)", tasks.size(), problems.size());

        BroadcastHadoopConf conf = new BroadcastHadoopConf(spark);
        ImageScorer.Setup scoring = new ImageScorer.Setup(image, classes, classifier.handle(), batchSize, detector);
        int partitions = FilePartitions.of(spark, 0, tasks.size(), 32);
        List<FaceMetrics.Photo> photos = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(tasks, partitions)
                .mapPartitions((Iterator<Task> it) -> {
                    // the scorer hands back each photo's outcomes in order: its faces, no face, or undecodable
                    Map<Task, List<ScoredFace>> found = new LinkedHashMap<>();
                    Set<Task> undecodable = new HashSet<>();
                    try (ImageScorer<Task> scorer = scoring.open(ImageScorer.Timing.NONE, new ImageScorer.Sink<>() {
                        @Override
                        public void scored(Task t, ImageScorer.Face face, Prediction prediction) {
                            found.computeIfAbsent(t, k -> new ArrayList<>())
                                    .add(new ScoredFace(face.box(), prediction.probabilities()));
                        }

                        @Override
                        public void noFace(Task t) {
                            found.put(t, List.of());
                        }

                        @Override
                        public void failed(Task t, String reason) {
                            found.put(t, List.of()); // its faces count as not found
                            undecodable.add(t);
                        }
                    })) {
                        while (it.hasNext()) {
                            Task t = it.next();
                            try {
                                scorer.add(t, Storage.readAll(new Path(t.path()), conf.get()));
                            } catch (IOException e) {
                                throw new UncheckedIOException(t.path() + ": " + e.getMessage(), e);
                            }
                        }
                        scorer.flush();
                    }
                    List<FaceMetrics.Photo> out = new ArrayList<>();
                    found.forEach((t, faces) -> out.add(new FaceMetrics.Photo(t.path(), t.annotation().faces(), faces,
                            undecodable.contains(t))));
                    return out.iterator();
                }).collect();
        long undecodable = photos.stream().filter(FaceMetrics.Photo::undecodable).count();
        photos.stream().filter(FaceMetrics.Photo::undecodable).forEach(p -> problems.put(p.path(), "undecodable photo"));
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        LOG.info("found {} faces in {} photos ({} undecodable) with {} in {} s",
                photos.stream().mapToInt(p -> p.predicted().size()).sum(), photos.size(), undecodable,
                detector.describe(), seconds);
        return new Result(photos, problems, seconds);
    }
}
