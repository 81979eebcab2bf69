package org.facemask.storage;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;

/**
 * The driver's Hadoop configuration (credentials, endpoints) for tasks that open files themselves. Broadcast, so an
 * executor deserialises its hundreds of entries once instead of in every task (that was 9% of a scoring task's
 * Java time); tasks of one executor share it read-only, as Spark's own file readers do.
 */
public final class BroadcastHadoopConf implements Serializable {
    private static final long serialVersionUID = 1L;
    private final Broadcast<Shipped> conf;

    public BroadcastHadoopConf(SparkSession spark) {
        this.conf = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .broadcast(new Shipped(spark.sparkContext().hadoopConfiguration()));
    }

    public Configuration get() {
        return conf.value().conf;
    }

    /** Configuration is not Serializable; it writes itself as a Hadoop Writable. */
    private static final class Shipped implements Serializable {
        private static final long serialVersionUID = 1L;
        private transient Configuration conf;

        Shipped(Configuration conf) {
            this.conf = conf;
        }

        private void writeObject(ObjectOutputStream out) throws IOException {
            out.defaultWriteObject();
            conf.write(out);
        }

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            conf = new Configuration(false);
            conf.readFields(in);
        }
    }
}
