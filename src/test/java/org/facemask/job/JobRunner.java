package org.facemask.job;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs a job through the same entry point as submit.sh and keeps what it printed to stderr. */
public final class JobRunner {
    private JobRunner() {
    }

    public record Outcome(int exitCode, String stderr) {
    }

    public static Outcome run(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(code, err.toString(StandardCharsets.UTF_8));
    }
}
