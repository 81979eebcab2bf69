package org.facemask.job;

import org.apache.spark.sql.SparkSession;
import org.facemask.config.ConfigError;
import org.facemask.config.PipelineConfig;
import org.facemask.model.Dl4jOneDnn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Entry point of every job: {@code <job> [--conf FILE] [key=value ...]}. Configuration is read and checked
 * completely before a Spark session is created, so a typo costs a second, not a cluster start-up.
 *
 * <p>Exit codes: 0 done, 1 the job failed, 2 bad command line or configuration.
 */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);
    /** Used by submit.sh to decide between a local JVM and spark-submit. */
    static final String PRINT_MASTER = "--print-master";

    private static final Map<String, Job> JOBS = new LinkedHashMap<>();

    static {
        register(new PrepareJob());
        register(new FeaturizeJob());
        register(new TrainJob());
        register(new EvaluateJob());
        register(new PipelineJob());
        register(new ScoreJob());
        register(new StreamJob());
    }

    private Main() {
    }

    private static void register(Job job) {
        JOBS.put(job.name(), job);
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Parsed command line. */
    record CommandLine(String job, Path confFile, List<String> overrides) {
        static CommandLine parse(String[] args) {
            if (args.length == 0) {
                throw new ConfigError("no job given");
            }
            Path conf = null;
            List<String> overrides = new ArrayList<>();
            for (int i = 1; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--conf")) {
                    if (i + 1 >= args.length) {
                        throw new ConfigError("--conf needs a file");
                    }
                    conf = Path.of(args[++i]);
                } else if (a.startsWith("--conf=")) {
                    conf = Path.of(a.substring("--conf=".length()));
                } else if (a.contains("=") && !a.startsWith("-")) {
                    overrides.add(a);
                } else {
                    throw new ConfigError("unexpected argument '" + a + "': expected --conf FILE or key=value");
                }
            }
            return new CommandLine(args[0], conf, List.copyOf(overrides));
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Job.Run run;
        PipelineConfig config;
        try {
            CommandLine cli = CommandLine.parse(args);
            if (cli.job().equals("-h") || cli.job().equals("--help")) {
                err.print(usage());
                return 0;
            }
            config = PipelineConfig.load(cli.confFile(), cli.overrides());
            if (cli.job().equals(PRINT_MASTER)) {
                out.println(config.spark().master());
                return 0;
            }
            Job job = JOBS.get(cli.job());
            if (job == null) {
                throw new ConfigError("unknown job '" + cli.job() + "'");
            }
            run = job.plan(config);
            LOG.info("DL4J oneDNN layer helpers: {}", Dl4jOneDnn.enable() ? "on" : "off");
            LOG.info(config.image().jpegDecoder().describe());
        } catch (ConfigError e) {
            err.println("error: " + e.getMessage());
            err.print(usage());
            return 2;
        }
        try (SparkSession spark = SparkSessions.open(config.spark())) {
            run.run(spark);
            return 0;
        } catch (RuntimeException e) {
            LOG.error("job failed", e);
            err.println("error: job failed: " + e.getMessage());
            return 1;
        }
    }

    static String usage() {
        StringBuilder s = new StringBuilder("usage: submit.sh <job> [--conf FILE] [key=value ...]\njobs:\n");
        JOBS.values().forEach(j -> s.append(String.format("  %-10s %s%n", j.name(), j.description())));
        s.append("keys and defaults: src/main/resources/reference.conf\n");
        return s.toString();
    }
}
