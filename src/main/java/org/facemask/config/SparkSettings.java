package org.facemask.config;

import com.typesafe.config.Config;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * @param master  Spark master URL; {@code local[...]} runs in this JVM, anything else goes through spark-submit
 * @param appName application name shown in the Spark UI
 * @param conf    further Spark settings passed as they are (keys like {@code spark.executor.memory});
 *                {@code spark.hadoop.*} entries also configure the Hadoop file systems we open ourselves
 */
public record SparkSettings(String master, String appName, Map<String, String> conf) {
    private static final Pattern MASTER = Pattern.compile(
            "local(\\[(\\*|[1-9]\\d*)(,[1-9]\\d*)?])?|yarn|(spark|k8s|mesos)://\\S+");

    public static SparkSettings from(Config c) {
        Map<String, String> conf = new TreeMap<>();
        Config extra = c.getConfig("conf");
        // keys such as "spark.executor.memory" are quoted in HOCON; entrySet gives them back as paths
        extra.entrySet().forEach(e -> conf.put(stripQuotes(e.getKey()), String.valueOf(e.getValue().unwrapped())));
        return new SparkSettings(
                checkMaster(Checks.nonBlank("spark.master", c.getString("master"))),
                Checks.nonBlank("spark.app-name", c.getString("app-name")),
                Map.copyOf(conf));
    }

    /**
     * A master URL spark-submit takes (Spark's own error for a bogus one comes late and as a stack trace; submit.sh
     * picks between a local JVM and spark-submit by it): local, local[N], local[*] (each with an optional
     * ",F" for task retries), spark://HOST:PORT[,HOST:PORT], yarn, k8s://URL, mesos://URL.
     */
    private static String checkMaster(String master) {
        if (!MASTER.matcher(master).matches()) {
            throw new ConfigError("spark.master must be local, local[N], local[*], spark://HOST:PORT, yarn, "
                    + "k8s://https://HOST:PORT or mesos://HOST:PORT, got '" + master + "'");
        }
        return master;
    }

    private static String stripQuotes(String key) {
        return key.replace("\"", "");
    }

    public boolean isLocal() {
        return master.startsWith("local");
    }
}
