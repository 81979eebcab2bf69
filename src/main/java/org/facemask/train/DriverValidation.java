package org.facemask.train;

import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.util.ArrayList;
import java.util.List;

/**
 * Validation loss and accuracy over the whole validation split, on the driver, in inference mode (no dropout).
 * The split is held as its compact rows (feature vectors or 8-bit pixels) and turned into network input one batch
 * at a time. (dl4j-spark's distributed scoring is not used: in local mode it frees the parameter array the next
 * training round broadcasts, and the JVM crashes.)
 */
final class DriverValidation {
    private static final int BATCH = 64;
    private final List<Row> rows;
    private final Function<Row, DataSet> toDataSet;

    DriverValidation(List<Row> rows, Function<Row, DataSet> toDataSet) {
        this.rows = rows;
        this.toDataSet = toDataSet;
    }

    record Result(double loss, double accuracy) {
    }

    Result evaluate(ComputationGraph network) {
        double lossSum = 0;
        long correct = 0;
        try {
            for (int from = 0; from < rows.size(); from += BATCH) {
                List<DataSet> examples = new ArrayList<>();
                for (Row r : rows.subList(from, Math.min(rows.size(), from + BATCH))) {
                    examples.add(toDataSet.call(r));
                }
                DataSet batch = DataSet.merge(examples);
                lossSum += network.score(batch, false) * batch.numExamples();
                INDArray predicted = network.outputSingle(false, batch.getFeatures()).argMax(1);
                INDArray truth = batch.getLabels().argMax(1);
                correct += predicted.eq(truth).castTo(org.nd4j.linalg.api.buffer.DataType.INT).sumNumber().longValue();
            }
        } catch (Exception e) {
            throw new IllegalStateException("validation failed: " + e.getMessage(), e);
        }
        return new Result(lossSum / rows.size(), (double) correct / rows.size());
    }

    int size() {
        return rows.size();
    }
}
