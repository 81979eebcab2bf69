package org.facemask.train;

import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.Row;
import org.facemask.model.Preprocessing;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

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

    /** (label, features array) rows of featurize's output. */
    static final class FromFeatures implements Function<Row, DataSet> {
        private static final long serialVersionUID = 1L;
        private final List<String> classes;

        FromFeatures(List<String> classes) {
            this.classes = List.copyOf(classes);
        }

        @Override
        public DataSet call(Row row) {
            List<Float> f = row.getList(1);
            float[] x = new float[f.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = f.get(i);
            }
            return new DataSet(Nd4j.create(x, new long[]{1, x.length}, 'c'), oneHot(classes, row.getString(0)));
        }
    }

    /** (label, pixels) rows of a prepared dataset, through the shared preprocessing. */
    static final class FromPixels implements Function<Row, DataSet> {
        private static final long serialVersionUID = 1L;
        private final List<String> classes;
        private final int imageSize;

        FromPixels(List<String> classes, int imageSize) {
            this.classes = List.copyOf(classes);
            this.imageSize = imageSize;
        }

        @Override
        public DataSet call(Row row) {
            return new DataSet(Preprocessing.toInput(List.of((byte[]) row.get(1)), imageSize),
                    oneHot(classes, row.getString(0)));
        }
    }
}
