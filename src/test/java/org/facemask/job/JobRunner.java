package org.facemask.job;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs a job through the same entry point as submit.sh and keeps what it printed to stderr. */
public final class JobRunner {
    private JobRunner() {
    }

    /** @param result what the job's action returned (null unless it ran and succeeded) */
    public record Outcome(int exitCode, String stderr, Action.Result result) {
    }

    public static Outcome run(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Main.Outcome outcome = Main.execute(args, System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(outcome.exitCode(), err.toString(StandardCharsets.UTF_8), outcome.result());
    }
}
