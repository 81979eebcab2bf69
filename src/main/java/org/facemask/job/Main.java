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
import java.util.List;

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

    /** Used by submit.sh to learn the job names (one a line), so that this list is the only one. */
    static final String LIST_JOBS = "--list-jobs";

    /** Every job: its name, what it does, and its action's check. A new job is one action class and one line here. */
    static final List<Job> JOBS = List.of(
            new Job("prepare", "decode, resize, de-duplicate and split class folders of images into Parquet",
                    PrepareAction::check),
            new Job("featurize", "run the frozen MobileNetV2 base over a prepared dataset into feature vectors (Parquet)",
                    FeaturizeAction::check),
            new Job("train", "train the frozen-base MobileNetV2 classifier with Spark parameter averaging; test-split metrics",
                    TrainAction::check),
            new Job("evaluate", "metrics and plots of a trained model on a prepared test split, a folder-per-class tree, "
                    + "or photos with VOC face boxes", EvaluateAction::check),
            new Job("pipeline", "prepare, then train, then evaluate (train.input, evaluate.* default to the stage before), "
                    + "then score score.input with score.model when score.input is set", PipelineAction::check),
            new Job("score", "score image folders and archives into Parquet, one row per image (or per face), safe to "
                    + "re-run, incremental", ScoreAction::check),
            new Job("stream", "score files as they land in a folder (Structured Streaming), exactly once across restarts; "
                    + "SIGTERM stops after the batch in flight", StreamAction::check));

    private Main() {
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
        return execute(args, out, err).exitCode();
    }

    /**
     * How a run ended.
     *
     * @param result what the job's action returned; null unless the exit code is 0 and a job ran
     */
    record Outcome(int exitCode, Action.Result result) {
    }

    static Outcome execute(String[] args, PrintStream out, PrintStream err) {
        Action<?> action;
        PipelineConfig config;
        try {
            CommandLine cli = CommandLine.parse(args);
            if (cli.job().equals("-h") || cli.job().equals("--help")) {
                err.print(usage());
                return new Outcome(0, null);
            }
            if (cli.job().equals(LIST_JOBS)) {
                JOBS.forEach(j -> out.println(j.name()));
                return new Outcome(0, null);
            }
            config = PipelineConfig.load(cli.confFile(), cli.overrides());
            if (cli.job().equals(PRINT_MASTER)) {
                out.println(config.spark().master());
                return new Outcome(0, null);
            }
            Job job = JOBS.stream().filter(j -> j.name().equals(cli.job())).findFirst()
                    .orElseThrow(() -> new ConfigError("unknown job '" + cli.job() + "'"));
            // the image settings every job decodes with, first: a required JPEG decoder that cannot load is named
            // before any location is checked
            String jpegDecoding = config.image().jpegDecoder().describe();
            action = job.check().apply(config);
            LOG.info("DL4J oneDNN layer helpers: {}", Dl4jOneDnn.enable() ? "on" : "off");
            LOG.info(jpegDecoding);
        } catch (ConfigError e) {
            err.println("error: " + e.getMessage());
            err.print(usage());
            return new Outcome(2, null);
        }
        try (SparkSession spark = SparkSessions.open(config.spark())) {
            Action.Result result = action.execute(spark);
            result.print(out);
            return new Outcome(0, result);
        } catch (Exception e) { // Spark's Scala code throws checked exceptions (SparkException) undeclared
            LOG.error("job failed", e);
            err.println("error: job failed: " + e.getMessage());
            for (Throwable also : e.getSuppressed()) { // e.g. an earlier output that could not be put back
                err.println("error: also: " + also.getMessage());
            }
            return new Outcome(1, null);
        }
    }

    static String usage() {
        StringBuilder s = new StringBuilder("usage: submit.sh <job> [--conf FILE] [key=value ...]\njobs:\n");
        JOBS.forEach(j -> s.append(String.format("  %-10s %s%n", j.name(), j.description())));
        s.append("keys and defaults: src/main/resources/reference.conf\n");
        return s.toString();
    }
}
