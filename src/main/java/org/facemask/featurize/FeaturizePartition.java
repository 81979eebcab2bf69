package org.facemask.featurize;

import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;
import org.facemask.model.FeatureExtractor;
import org.facemask.model.InferenceEngine;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Runs in the tasks: prepared rows (path, label, split, sha256, pixels) in batches through the frozen base, out as
 * (path, label, split, sha256, features).
 */
final class FeaturizePartition implements FlatMapFunction<Iterator<Row>, Row> {
    private static final long serialVersionUID = 1L;
    private final InferenceEngine engine;
    private final Broadcast<byte[]> model;
    private final int imageSize;
    private final int batchSize;
    private final int threads;
    private final LongAccumulator inferenceNanos;

    FeaturizePartition(InferenceEngine engine, Broadcast<byte[]> model, int imageSize, int batchSize, int threads,
                       LongAccumulator inferenceNanos) {
        this.inferenceNanos = inferenceNanos;
        this.engine = engine;
        this.model = model;
        this.imageSize = imageSize;
        this.batchSize = batchSize;
        this.threads = threads;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        FeatureExtractor extractor = ExecutorModels.extractor(engine, model, imageSize, threads);
        return new Iterator<>() {
            private final List<Row> batch = new ArrayList<>(batchSize);
            private float[][] features;
            private int next;

            @Override
            public boolean hasNext() {
                if (features != null && next < batch.size()) {
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
                batch.forEach(r -> pixels.add(r.getAs("pixels")));
                long start = System.nanoTime();
                features = extractor.features(pixels);
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
                float[] f = features[next++];
                return RowFactory.create(r.getAs("path"), r.getAs("label"), r.getAs("split"), r.getAs("sha256"), f);
            }
        };
    }
}
