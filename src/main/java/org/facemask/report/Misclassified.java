package org.facemask.report;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.facemask.evaluate.EvaluateStage;
import org.facemask.model.Prediction;
import org.facemask.image.RgbImage;
import org.facemask.prepare.PreparedColumns;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.apache.spark.sql.functions.col;

/**
 * The images a classifier got wrong, the most confident mistakes first, as JPEG thumbnails for the report. Taken
 * from the predictions the evaluation already made; only the shown images' pixels are fetched again.
 *
 * @param shown the first {@code cap} mistakes, worst first
 * @param total how many images were misclassified in all
 */
public record Misclassified(List<Image> shown, int total) {
    /** How many thumbnails a report shows at most: well under 1 MB of JPEG at 224 pixels. */
    public static final int CAP = 48;

    /** @param probability the model's probability of the (wrong) predicted class */
    public record Image(String path, String truth, String predicted, double probability, byte[] jpeg) {
    }

    /**
     * @param images at least the columns path and pixels (RGB, {@code imageSize} square) of the predicted images
     */
    public static Misclassified of(EvaluateStage.Predictions predictions, List<String> classes, Dataset<Row> images,
                                   int imageSize) {
        float[][] p = predictions.probabilities();
        List<Integer> wrong = IntStream.range(0, p.length)
                .filter(i -> Prediction.classIndex(p[i]) != predictions.truth()[i]).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -p[i][Prediction.classIndex(p[i])])
                        .thenComparing(i -> predictions.paths().get(i)))
                .toList();
        List<Integer> shownIndices = wrong.subList(0, Math.min(CAP, wrong.size()));
        if (shownIndices.isEmpty()) {
            return new Misclassified(List.of(), 0);
        }
        Object[] paths = shownIndices.stream().map(i -> predictions.paths().get(i)).toArray();
        Map<String, byte[]> pixels = new HashMap<>();
        images.where(col(PreparedColumns.PATH).isin(paths)).select(PreparedColumns.PATH, PreparedColumns.PIXELS)
                .collectAsList().forEach(r -> pixels.put(r.getString(0), (byte[]) r.get(1)));
        List<Image> shown = new ArrayList<>();
        for (int i : shownIndices) {
            String path = predictions.paths().get(i);
            int predicted = Prediction.classIndex(p[i]);
            shown.add(new Image(path, classes.get(predictions.truth()[i]), classes.get(predicted), p[i][predicted],
                    jpeg(new RgbImage(imageSize, imageSize, pixels.get(path)).toBufferedImage())));
        }
        return new Misclassified(shown, wrong.size());
    }

    static byte[] jpeg(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "jpg", out)) {
                throw new IllegalStateException("no JPEG writer in this JVM");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
