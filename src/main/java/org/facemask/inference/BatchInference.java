package org.facemask.inference;

import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;
import org.facemask.model.InferenceModel;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Runs in the tasks: rows whose last column is pixels, in batches through the executor's network, out as the same
 * leading columns followed by the network's output vector.
 */
final class BatchInference implements FlatMapFunction<Iterator<Row>, Row> {
    private static final long serialVersionUID = 1L;
    private final SparkInference.Handle model;
    private final int batchSize;
    private final LongAccumulator inferenceNanos;

    BatchInference(SparkInference.Handle model, int batchSize, LongAccumulator inferenceNanos) {
        this.model = model;
        this.batchSize = batchSize;
        this.inferenceNanos = inferenceNanos;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        InferenceModel network = model.get();
        return new Iterator<>() {
            private final List<Row> batch = new ArrayList<>(batchSize);
            private float[][] outputs;
            private int next;

            @Override
            public boolean hasNext() {
                if (outputs != null && next < batch.size()) {
                    return true;
                }
                batch.clear();
                while (batch.size() < batchSize && rows.hasNext()) {
                    batch.add(rows.next());
                }
                if (batch.isEmpty()) {
                    return false;
                }
                List<byte[]> pixels = new ArrayList<>(batch.size());
                batch.forEach(r -> pixels.add((byte[]) r.get(r.length() - 1)));
                long start = System.nanoTime();
                outputs = network.run(pixels);
                inferenceNanos.add(System.nanoTime() - start);
                next = 0;
                return true;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Row r = batch.get(next);
                Object[] values = new Object[r.length()];
                for (int i = 0; i < r.length() - 1; i++) {
                    values[i] = r.get(i);
                }
                values[r.length() - 1] = outputs[next++];
                return RowFactory.create(values);
            }
        };
    }
}
