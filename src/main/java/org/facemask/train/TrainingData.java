package org.facemask.train;

import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.facemask.image.Augmentation;
import org.facemask.image.RgbImage;
import org.facemask.model.Preprocessing;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Rows of (label, input) to DL4J's one-example DataSets, in the tasks. */
final class TrainingData {
    private TrainingData() {
    }

    static INDArray oneHot(List<String> classes, String label) {
        int k = classes.indexOf(label);
        if (k < 0) {
            throw new IllegalArgumentException("label '" + label + "' is not one of " + classes);
        }
        INDArray y = Nd4j.zeros(DataType.FLOAT, 1, classes.size());
        y.putScalar(0, k, 1f);
        return y;
    }

    /**
     * (label, float array) rows: featurize's feature vectors, or the flattened activations fine-tuning trains on,
     * given back their shape.
     */
    static final class FromFeatures implements Function<Row, DataSet> {
        private static final long serialVersionUID = 1L;
        private final List<String> classes;
        /** one example's shape, e.g. [channels, height, width]; null = a vector */
        private final long[] shape;

        FromFeatures(List<String> classes) {
            this(classes, null);
        }

        FromFeatures(List<String> classes, long[] shape) {
            this.classes = List.copyOf(classes);
            this.shape = shape == null ? null : shape.clone();
        }

        @Override
        public DataSet call(Row row) {
            List<Float> f = row.getList(1);
            float[] x = new float[f.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = f.get(i);
            }
            long[] batchOfOne = shape == null ? new long[]{1, x.length} : java.util.stream.LongStream.concat(
                    java.util.stream.LongStream.of(1), java.util.Arrays.stream(shape)).toArray();
            return new DataSet(Nd4j.create(x, batchOfOne, 'c'), oneHot(classes, row.getString(0)));
        }
    }

    /**
     * (label, pixels) rows of a prepared dataset, through the shared preprocessing; with an augmentation, a new random
     * variant every call (end-to-end training recomputes these every epoch).
     */
    static final class FromPixels implements Function<Row, DataSet> {
        private static final long serialVersionUID = 1L;
        private final List<String> classes;
        private final int imageSize;
        private final Augmentation augmentation;

        FromPixels(List<String> classes, int imageSize, Augmentation augmentation) {
            this.classes = List.copyOf(classes);
            this.imageSize = imageSize;
            this.augmentation = augmentation;
        }

        @Override
        public DataSet call(Row row) {
            byte[] pixels = row.getAs(1);
            if (augmentation != null) {
                pixels = augmentation.apply(new RgbImage(imageSize, imageSize, pixels),
                        java.util.concurrent.ThreadLocalRandom.current()).rgb();
            }
            return new DataSet(Preprocessing.toInput(List.of(pixels), imageSize), oneHot(classes, row.getString(0)));
        }
    }

    /**
     * Features mode: {@code copies} augmented variants of each (path, label, split, sha256, pixels) training row,
     * as rows of the same shape with "#augN" after the path. Seeded by the seed and the content, so a re-run makes
     * the same variants.
     */
    static final class AugmentedCopies implements FlatMapFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final Augmentation augmentation;
        private final int copies;
        private final int imageSize;
        private final long seed;

        AugmentedCopies(Augmentation augmentation, int copies, int imageSize, long seed) {
            this.augmentation = augmentation;
            this.copies = copies;
            this.imageSize = imageSize;
            this.seed = seed;
        }

        @Override
        public Iterator<Row> call(Row row) {
            RgbImage image = new RgbImage(imageSize, imageSize, row.getAs(4));
            String sha = row.getString(3);
            List<Row> out = new ArrayList<>(copies);
            for (int k = 1; k <= copies; k++) {
                java.util.Random random = new java.util.Random(seed * 31 + sha.hashCode() * 17L + k);
                out.add(RowFactory.create(row.getString(0) + "#aug" + k, row.getString(1), row.getString(2), sha,
                        augmentation.apply(image, random).rgb()));
            }
            return out.iterator();
        }
    }
}
