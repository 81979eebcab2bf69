package org.facemask.it;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.facemask.job.JobRunner;
import org.facemask.prepare.PreparedColumns;
import org.facemask.testing.SharedFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dev set's test split scored twice by the score job, once with each inference engine (ONNX Runtime and DL4J
 * with its oneDNN helpers), after training on the dev set's training split: every image gets the same label from
 * both, and the probabilities agree closely. What a user switching {@code model.engine} relies on.
 */
class ScoringEnginesIT {
    @TempDir
    static Path tmp;

    private static void run(String... args) {
        JobRunner.Outcome o = JobRunner.run(args);
        assertEquals(0, o.exitCode(), o.stderr());
    }

    @Test
    void bothEnginesGiveTheSameLabelsOnTheDevTestSplit() throws Exception {
        Path dev = SharedFiles.require("datasets/face-mask-dev");
        String[] local = {"spark.master=local[2]", "spark.conf.\"spark.ui.enabled\"=false"};
        Path prepared = tmp.resolve("prepared");
        run(concat(local, "prepare", "prepare.input=" + dev, "prepare.output=" + prepared));
        Path model = tmp.resolve("model");
        run(concat(local, "train", "train.input=" + prepared, "train.output=" + model,
                "model.base.weights=" + SharedFiles.weights035(), "train.epochs=3",
                "train.augment.copies=0", "train.fine-tune.blocks=0")); // a model to score: the head alone will do

        // The test split, as a folder of links to the original files (class folder kept, for the accuracy check).
        Path testSplit = tmp.resolve("test split");
        Map<String, String> trueLabel = new HashMap<>();
        try (SparkSession s = localSession()) {
            List<Row> rows = s.read().parquet(prepared.resolve(PreparedColumns.IMAGES_DIR).toString())
                    .where("split = 'test'").select(PreparedColumns.PATH, PreparedColumns.LABEL).collectAsList();
            for (Row r : rows) {
                Path source = Path.of(new org.apache.hadoop.fs.Path(r.getString(0)).toUri());
                String name = r.getString(1) + "/" + source.getFileName();
                Files.createDirectories(testSplit.resolve(r.getString(1)));
                Files.createSymbolicLink(testSplit.resolve(name), source);
                trueLabel.put(name, r.getString(1));
            }
        }
        assertEquals(399, trueLabel.size(), "the dev set's test split (10% of 3,991 unique images)");

        Map<String, Scored> onnx = score(model, testSplit, "onnxruntime", local);
        Map<String, Scored> dl4j = score(model, testSplit, "dl4j", local);
        assertEquals(trueLabel.keySet(), onnx.keySet());
        assertEquals(trueLabel.keySet(), dl4j.keySet());
        int correct = 0;
        double maxDiff = 0;
        for (String name : trueLabel.keySet()) {
            Scored a = onnx.get(name);
            Scored b = dl4j.get(name);
            assertEquals(a.label(), b.label(), name + ": p(with_mask) onnxruntime " + a.withMask() + ", dl4j " + b.withMask());
            maxDiff = Math.max(maxDiff, Math.abs(a.withMask() - b.withMask()));
            correct += a.label().equals(trueLabel.get(name)) ? 1 : 0;
        }
        System.out.printf("engines agree on %d labels; max p(with_mask) difference %.2e; accuracy %d/%d%n",
                trueLabel.size(), maxDiff, correct, trueLabel.size());
        assertTrue(maxDiff <= 1e-3, "max probability difference between engines " + maxDiff);
        assertTrue(correct >= 0.95 * trueLabel.size(), "accuracy " + correct + "/" + trueLabel.size());
    }

    record Scored(String label, float withMask) {
    }

    /** Scores the folder with one engine; path relative to the folder -> its row. */
    private static Map<String, Scored> score(Path model, Path input, String engine, String[] local) {
        Path out = tmp.resolve("scores-" + engine);
        run(concat(local, "score", "score.model=" + model, "score.input=" + input, "score.output=" + out,
                "score.run-date=2026-11-26", "model.engine=" + engine));
        Map<String, Scored> scores = new HashMap<>();
        String prefix = "file:" + input.toAbsolutePath() + "/";
        try (SparkSession s = localSession()) {
            for (Row r : s.read().parquet(out.toString()).where("error is null")
                    .select("path", "label", "p_with_mask").collectAsList()) {
                String path = r.getString(0);
                assertTrue(path.startsWith(prefix), path);
                scores.put(path.substring(prefix.length()), new Scored(r.getString(1), r.getFloat(2)));
            }
            assertEquals(0, s.read().parquet(out.toString()).where("error is not null").count());
        }
        return scores;
    }

    private static SparkSession localSession() {
        return SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false").getOrCreate();
    }

    private static String[] concat(String[] local, String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + local.length);
        System.arraycopy(local, 0, all, args.length, local.length);
        return all;
    }
}
