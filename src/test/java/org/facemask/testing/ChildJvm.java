package org.facemask.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A separate JVM on the test class path, for the tests that kill one the way a node loss or SIGKILL would. */
public final class ChildJvm {
    private ChildJvm() {
    }

    /** {@code java -Xmx256m -cp <the tests' class path> <main> <args>}, its output merged into one stream. */
    public static ProcessBuilder command(Class<?> main, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true);
    }

    /**
     * Starts the child with its output in {@code log}, waits until it prints {@code ready} (its loop is warm), lets it
     * run up to 1.5 s more, and SIGKILLs it: somewhere inside its work, at a moment {@code random} picks.
     */
    public static void killAtRandomMoment(ProcessBuilder child, Path log, String ready, Random random) throws Exception {
        Process p = child.redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.readString(log).contains(ready) && System.nanoTime() < deadline && p.isAlive()) {
                Thread.sleep(20);
            }
            assertTrue(p.isAlive(), Files.readString(log));
            Thread.sleep(random.nextInt(1500));
        } finally {
            p.destroyForcibly(); // SIGKILL
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        }
    }
}
