package org.facemask.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The merged configuration of one run: command-line {@code key=value} overrides, then the {@code --conf} file,
 * then {@code reference.conf}. Keys under our namespaces that {@code reference.conf} does not define are refused,
 * so a typo ({@code prepare.ouput}) fails at once instead of being silently ignored.
 *
 * <p>Sections are read into typed, validated records through {@link #section}; jobs never see raw strings.
 */
public final class PipelineConfig {
    /** Top-level namespaces this project owns; everything else in the merged config is ignored. */
    static final Set<String> NAMESPACES = Set.of("spark", "image", "prepare", "model", "featurize", "train", "evaluate", "score", "stream", "faces");
    /** Free-form maps whose keys are passed through (Spark settings), so not checked against reference.conf. */
    private static final Set<String> OPEN_MAPS = Set.of("spark.conf");

    private final Config config;

    private PipelineConfig(Config config) {
        this.config = config;
    }

    /**
     * @param confFile  optional HOCON file (the {@code --conf} argument); null for defaults only
     * @param overrides {@code key=value} pairs from the command line, applied last
     */
    public static PipelineConfig load(Path confFile, List<String> overrides) {
        Config reference = ConfigFactory.parseResources(PipelineConfig.class, "/reference.conf");
        Config merged = reference;
        if (confFile != null) {
            if (!Files.isRegularFile(confFile) || !Files.isReadable(confFile)) {
                throw new ConfigError("configuration file not found or not readable: " + confFile.toAbsolutePath());
            }
            try {
                merged = ConfigFactory.parseFile(confFile.toFile(), ConfigParseOptions.defaults().setAllowMissing(false))
                        .withFallback(merged);
            } catch (ConfigException e) {
                throw new ConfigError("cannot parse configuration file " + confFile + ": " + e.getMessage(), e);
            }
        }
        Config fromCommandLine = ConfigFactory.empty("command line");
        for (String pair : overrides) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new ConfigError("expected key=value, got '" + pair + "'");
            }
            String key = pair.substring(0, eq).trim();
            try {
                fromCommandLine = fromCommandLine.withValue(key, commandLineValue(pair.substring(eq + 1)));
            } catch (ConfigException e) {
                throw new ConfigError("bad configuration key '" + key + "' on the command line: " + e.getMessage(), e);
            }
        }
        merged = fromCommandLine.withFallback(merged);
        try {
            merged = merged.resolve();
        } catch (ConfigException e) {
            throw new ConfigError("cannot resolve configuration: " + e.getMessage(), e);
        }
        rejectUnknownKeys(merged, reference);
        return new PipelineConfig(merged);
    }

    private static void rejectUnknownKeys(Config merged, Config reference) {
        Set<String> known = new TreeSet<>();
        reference.entrySet().forEach(e -> known.add(e.getKey()));
        Set<String> unknown = new TreeSet<>();
        for (Map.Entry<String, ?> entry : merged.entrySet()) {
            String key = entry.getKey();
            String namespace = key.contains(".") ? key.substring(0, key.indexOf('.')) : key;
            boolean open = OPEN_MAPS.stream().anyMatch(m -> key.startsWith(m + "."));
            if (NAMESPACES.contains(namespace) && !open && !known.contains(key)) {
                unknown.add(key + " (" + merged.getValue(key).origin().description() + ")");
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConfigError("unknown configuration key(s): " + String.join(", ", unknown)
                    + "; see src/main/resources/reference.conf for the keys and their defaults");
        }
    }

    /**
     * A value from the command line is a string (Typesafe Config converts it to a number or boolean on reading)
     * unless it is a HOCON list such as [1024, 2048]: paths hold characters HOCON gives a meaning (// starts a
     * comment), so only lists are parsed.
     */
    private static ConfigValue commandLineValue(String value) {
        if (value.trim().startsWith("[")) {
            return ConfigFactory.parseString("value = " + value, ConfigParseOptions.defaults().setOriginDescription("command line"))
                    .getValue("value");
        }
        return ConfigValueFactory.fromAnyRef(value, "command line");
    }

    /** Reads one section into its typed record; any type or value error names the key. */
    public <T> T section(String path, Function<Config, T> reader) {
        try {
            return reader.apply(config.getConfig(path));
        } catch (ConfigException e) {
            // Typesafe names the key relative to the section ("flip has type STRING rather than BOOLEAN"): name it whole
            String message = e instanceof ConfigException.WrongType
                    ? e.getMessage().replaceFirst(": ([\\w.-]+) has type ", ": " + path + ".$1 has type ") : e.getMessage();
            throw new ConfigError("configuration key under '" + path + "': " + message, e);
        }
    }

    public SparkSettings spark() {
        return section("spark", SparkSettings::from);
    }

    public ImageSettings image() {
        return section("image", ImageSettings::from);
    }

    public PrepareSettings prepare() {
        double faceMargin = section("faces", c -> c.getDouble("margin"));
        return section("prepare", c -> PrepareSettings.from(c, faceMargin));
    }

    public ModelSettings model() {
        return section("model", ModelSettings::from);
    }

    public FeaturizeSettings featurize() {
        return section("featurize", FeaturizeSettings::from);
    }

    public TrainSettings train() {
        return section("train", TrainSettings::from);
    }

    public EvaluateSettings evaluate() {
        return section("evaluate", EvaluateSettings::from);
    }

    public ScoreSettings score() {
        return section("score", ScoreSettings::from);
    }

    /** The stream job's settings, with the score section's model and scoring settings. */
    public StreamSettings stream() {
        Config score = section("score", c -> c);
        return section("stream", c -> StreamSettings.from(c, score));
    }

    public FacesSettings faces() {
        return section("faces", FacesSettings::from);
    }
}
