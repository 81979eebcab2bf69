package org.facemask.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.SparkSession;
import org.facemask.job.JobRunner;
import org.facemask.samples.SyntheticFaces;
import org.facemask.storage.Json;
import org.facemask.storage.Storage;
import org.facemask.testing.SharedFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * prepare, train and score against a real HDFS (Hadoop's MiniDFSCluster: a NameNode and a DataNode on 127.0.0.1,
 * speaking the HDFS protocol): input read from hdfs://, every output written to hdfs://.
 */
class HdfsIT {
    static MiniDFSCluster cluster;
    static String hdfs;
    static Configuration conf;

    @BeforeAll
    static void startHdfs() throws Exception {
        java.nio.file.Path base = Files.createTempDirectory("minidfs");
        conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.toString());
        cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        cluster.waitActive();
        hdfs = "hdfs://127.0.0.1:" + cluster.getNameNodePort();
        java.nio.file.Path faces = base.resolve("faces");
        new SyntheticFaces(41).writeDataset(faces, 12);
        FileSystem fs = FileSystem.get(URI.create(hdfs), conf);
        fs.copyFromLocalFile(new Path(faces.toUri()), new Path(hdfs + "/data/faces"));
    }

    @AfterAll
    static void stopHdfs() {
        if (cluster != null) {
            cluster.shutdown();
        }
    }

    private static void run(String... args) {
        JobRunner.Outcome o = JobRunner.run(args);
        assertEquals(0, o.exitCode(), o.stderr());
    }

    @Test
    void prepareTrainAndScoreOnHdfs() {
        String[] spark = {"spark.master=local[2]", "spark.conf.\"spark.ui.enabled\"=false", "image.size=96"};
        run(concat(new String[]{"prepare", "prepare.input=" + hdfs + "/data/faces", "prepare.output=" + hdfs + "/prepared"}, spark));
        JsonNode summary = Json.read(Storage.readString(URI.create(hdfs + "/prepared/summary.json"), conf));
        assertEquals(24, summary.get("files").asInt());
        assertEquals(24, summary.get("accepted").asInt());

        run(concat(new String[]{"train", "train.input=" + hdfs + "/prepared", "train.output=" + hdfs + "/model",
                "model.base.weights=" + SharedFiles.weights035(), "train.epochs=2"}, spark));
        assertTrue(Storage.exists(URI.create(hdfs + "/model/model.zip"), conf));
        assertTrue(Storage.exists(URI.create(hdfs + "/model/metrics.json"), conf));
        assertTrue(!Storage.exists(URI.create(hdfs + "/model/_work"), conf), "training-master export cleaned up");

        run(concat(new String[]{"score", "score.model=" + hdfs + "/model", "score.input=" + hdfs + "/data/faces",
                "score.output=" + hdfs + "/scores", "score.run-date=2026-11-26"}, spark));
        try (SparkSession s = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false").getOrCreate()) {
            assertEquals(24, s.read().parquet(hdfs + "/scores").where("error is null").count());
            assertEquals(24, s.read().parquet(hdfs + "/scores").select("path").distinct().count());
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
