package org.facemask.evaluate;

import org.facemask.prepare.VocAnnotation;
import org.facemask.prepare.VocFolder;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.facemask.detect.DetectorModel;
import org.facemask.detect.FaceFinder;
import org.facemask.detect.FaceScoring;
import org.facemask.detect.ScoredFace;
import org.facemask.config.ImageSettings;
import org.facemask.image.ImageDecoder;
import org.facemask.inference.SparkInference;
import org.facemask.model.InferenceModel;
import org.facemask.storage.BroadcastHadoopConf;
import org.facemask.storage.Storage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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

    public static Result run(SparkSession spark, URI input, DetectorModel detector, SparkInference classifier,
                             ImageSettings image) {
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
        SparkInference.Handle model = classifier.handle();
        int partitions = SparkInference.filePartitions(spark, 0, tasks.size(), 32);
        List<FaceMetrics.Photo> photos = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(tasks, partitions)
                .mapPartitions((Iterator<Task> it) -> {
                    ImageDecoder decoder = new ImageDecoder(image);
                    InferenceModel network = model.get();
                    List<FaceMetrics.Photo> out = new ArrayList<>();
                    try (FaceFinder finder = detector.open()) {
                        while (it.hasNext()) {
                            Task t = it.next();
                            List<ScoredFace> faces;
                            try {
                                byte[] bytes = Storage.readAll(new Path(t.path()), conf.get());
                                faces = FaceScoring.score(finder, network, decoder.decode(bytes).image(), model.imageSize());
                            } catch (IOException e) {
                                throw new UncheckedIOException(t.path() + ": " + e.getMessage(), e);
                            } catch (RuntimeException e) {
                                faces = null; // undecodable: its faces count as not found
                            }
                            out.add(new FaceMetrics.Photo(t.path(), t.annotation().faces(),
                                    faces == null ? List.of() : faces, faces == null));
                        }
                    }
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
