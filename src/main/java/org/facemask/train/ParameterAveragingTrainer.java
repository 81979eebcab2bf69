package org.facemask.train;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.facemask.config.TrainSettings;
import org.facemask.storage.Storage;
import org.nd4j.linalg.dataset.DataSet;

import java.net.URI;

/**
 * DL4J's Spark training behind our own small interface: synchronous parameter averaging. Each worker fits
 * {@code averagingFrequency} minibatches of {@code batchSize} from its partition, then the driver averages the
 * parameters (and updater state) and broadcasts them for the next round. The training master stages the data
 * under {@code exportDir}, which {@link #close} deletes.
 */
final class ParameterAveragingTrainer implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ParameterAveragingTrainer.class);
    private final JavaSparkContext sc;
    private final ParameterAveragingTrainingMaster master;
    private final SparkComputationGraph spark;
    private final URI exportDir;
    private final Configuration hadoop;

    ParameterAveragingTrainer(JavaSparkContext sc, ComputationGraph network, TrainSettings settings, URI exportDir,
                              Configuration hadoop) {
        this.sc = sc;
        this.exportDir = exportDir;
        this.hadoop = hadoop;
        // Export stages the data as files the executors read back: it needs storage they all see. A file:// export
        // directory on a cluster is not that, and DL4J refuses it; there the data stays in the RDD (Direct). DL4J also
        // cannot read its files back from a path whose URI has escapes (a space is %20): "does not exist" as a URI,
        // URISyntaxException when decoded; such a path trains from the RDD too.
        boolean shared = sc.isLocal() || !"file".equals(exportDir.getScheme());
        boolean readable = !exportDir.getRawPath().contains("%");
        boolean export = shared && readable;
        if (!export) {
            LOG.info("export directory {} {}: training from the RDD directly", exportDir,
                    readable ? "is on local disk and Spark is not local" : "has characters DL4J cannot read back");
        }
        this.master = new ParameterAveragingTrainingMaster.Builder(1)
                .batchSizePerWorker(settings.batchSize())
                .averagingFrequency(settings.averagingFrequency())
                .workerPrefetchNumBatches(2)
                .saveUpdater(true)
                .rddTrainingApproach(export ? RDDTrainingApproach.Export : RDDTrainingApproach.Direct)
                .exportDirectory(exportDir.toString())
                .rngSeed(settings.seed())
                .build();
        this.spark = new SparkComputationGraph(sc, network, master);
    }

    /** One pass over {@code data} (one example per DataSet); @return the mean minibatch loss of the epoch's last round */
    double fitEpoch(JavaRDD<DataSet> data) {
        spark.fit(data);
        return spark.getScore();
    }

    ComputationGraph network() {
        return spark.getNetwork();
    }

    @Override
    public void close() {
        master.deleteTempFiles(sc);
        Storage.delete(exportDir, hadoop);
    }
}
