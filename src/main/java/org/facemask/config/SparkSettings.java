package org.facemask.config;

import com.typesafe.config.Config;

import java.util.Map;
import java.util.TreeMap;

/**
 * @param master  Spark master URL; {@code local[...]} runs in this JVM, anything else goes through spark-submit
 * @param appName application name shown in the Spark UI
 * @param conf    further Spark settings passed as they are (keys like {@code spark.executor.memory});
 *                {@code spark.hadoop.*} entries also configure the Hadoop file systems we open ourselves
 */
public record SparkSettings(String master, String appName, Map<String, String> conf) {
    public static SparkSettings from(Config c) {
        Map<String, String> conf = new TreeMap<>();
        Config extra = c.getConfig("conf");
        // keys such as "spark.executor.memory" are quoted in HOCON; entrySet gives them back as paths
        extra.entrySet().forEach(e -> conf.put(stripQuotes(e.getKey()), String.valueOf(e.getValue().unwrapped())));
        return new SparkSettings(
                Checks.nonBlank("spark.master", c.getString("master")),
                Checks.nonBlank("spark.app-name", c.getString("app-name")),
                Map.copyOf(conf));
    }

    private static String stripQuotes(String key) {
        return key.replace("\"", "");
    }

    public boolean isLocal() {
        return master.startsWith("local");
    }
}
