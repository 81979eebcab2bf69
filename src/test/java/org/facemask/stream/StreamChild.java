package org.facemask.stream;

import org.apache.spark.sql.SparkSession;
import org.facemask.config.PipelineConfig;
import org.facemask.model.ModelDirectory;

import java.util.List;

/**
 * A separate JVM for the test that kills one: runs the stream (stream.start=earliest) with its commit stopped at a
 * step. {@code STAGED} or {@code COMMITTED}: the batch waits there forever, for a SIGKILL; {@code slow}: each batch
 * waits 3 s after its staging write, for a SIGTERM to land inside it. Says on stdout where it is.
 * Arguments: model landing output checkpoint mode.
 */
public final class StreamChild {
    static final String READY = "stream started";
    static final String STOPPED = "stream stopped";

    private StreamChild() {
    }

    static String inside(BatchCommit.Step step, long batchId) {
        return "inside " + step + " of batch " + batchId;
    }

    public static void main(String[] args) throws Exception {
        PipelineConfig config = PipelineConfig.load(null, List.of("score.model=" + args[0], "stream.input=" + args[1],
                "stream.output=" + args[2], "stream.checkpoint=" + args[3], "stream.trigger=200ms",
                "stream.start=earliest"));
        String mode = args[4];
        BatchCommit.Hook hook = (step, batchId) -> {
            boolean slow = mode.equals("slow") && step == BatchCommit.Step.STAGED;
            if (slow || step.name().equals(mode)) {
                System.out.println(inside(step, batchId));
                System.out.flush();
                try {
                    Thread.sleep(slow ? 3000 : Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted " + inside(step, batchId), e);
                }
            }
        };
        // ends the way the stream job does (StreamAction, Main): the stream closed, then the SparkSession, while the
        // shutdown hook may still be stopping the query
        try (SparkSession spark = StreamFixture.session()) {
            ModelDirectory directory = ModelDirectory.open("score.model", config.stream().model(),
                    spark.sparkContext().hadoopConfiguration());
            try (ScoringStream stream = ScoringStream.start(spark, directory, config.model(), config.image(),
                    config.stream(), null, hook)) {
                stream.stopOnShutdown();
                System.out.println(READY);
                System.out.flush();
                stream.awaitStop();
                // before the closes: on a SIGTERM the JVM halts once the shutdown hooks are done, maybe before them
                System.out.println(STOPPED);
                System.out.flush();
            }
        }
    }
}
