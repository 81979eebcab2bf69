package org.facemask.stream;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.facemask.job.JobRunner;
import org.facemask.samples.SyntheticFaces;
import org.facemask.testing.SharedFiles;
import org.facemask.testing.TestImages;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A small trained model, images to drop into a landing folder, and a look at the stream's output. */
final class StreamFixture {
    static final String SIZE = "96";
    private final SyntheticFaces draw = new SyntheticFaces(77);
    private int drawn;

    /** Trains a model on synthetic faces (the head alone, two epochs: a model to score with). */
    static Path trainModel(Path tmp) throws IOException {
        Path faces = tmp.resolve("faces");
        new SyntheticFaces(31).writeDataset(faces, 12);
        Path prepared = tmp.resolve("prepared");
        JobRunner.Outcome p = JobRunner.run(args("prepare", "prepare.input=" + faces, "prepare.output=" + prepared));
        assertEquals(0, p.exitCode(), p.stderr());
        Path model = tmp.resolve("model");
        JobRunner.Outcome t = JobRunner.run(args("train", "train.input=" + prepared, "train.output=" + model,
                "model.base.weights=" + SharedFiles.weights035(), "train.epochs=2", "train.augment.copies=0",
                "train.fine-tune.blocks=0"));
        assertEquals(0, t.exitCode(), t.stderr());
        return model;
    }

    static String[] args(String job, String... more) {
        List<String> args = new ArrayList<>(List.of(job, "spark.master=local[2]", "spark.conf.\"spark.ui.enabled\"=false",
                "image.size=" + SIZE));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    static SparkSession session() {
        return SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false").getOrCreate();
    }

    /** A new synthetic photo, JPEG. */
    byte[] photo() {
        drawn++;
        return TestImages.encode(draw.draw(drawn % 2 == 0, 90), "jpg");
    }

    /** A zip of {@code entries} photos, named e0.jpg, e1.jpg, ... */
    byte[] zipOfPhotos(int entries) throws IOException {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(zip)) {
            for (int i = 0; i < entries; i++) {
                z.putNextEntry(new ZipEntry("e" + i + ".jpg"));
                z.write(photo());
            }
        }
        return zip.toByteArray();
    }

    /** Lands a file as an uploader should: written under a hidden name, then renamed in whole. */
    static void land(Path landing, String name, byte[] bytes) throws IOException {
        Path hidden = landing.resolve("." + name + ".part");
        Files.write(hidden, bytes);
        Files.move(hidden, landing.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Every output row by its path relative to the landing folder; two rows of one path fail. */
    static Map<String, Row> rowsByPath(SparkSession spark, Path output, Path landing) {
        Map<String, Row> rows = new TreeMap<>();
        if (!Files.exists(output)) {
            return rows;
        }
        for (Row r : spark.read().parquet(output.toString()).collectAsList()) {
            String path = relative(r.getString(r.fieldIndex("path")), landing);
            Row earlier = rows.put(path, r);
            assertEquals(null, earlier, path + " has two rows");
        }
        return rows;
    }

    static String relative(String path, Path landing) {
        String p = path.replace("file:", "");
        int at = p.indexOf(landing.toString() + "/");
        if (at < 0) {
            throw new AssertionError(path + " is not under " + landing);
        }
        return p.substring(at + landing.toString().length() + 1);
    }
}
