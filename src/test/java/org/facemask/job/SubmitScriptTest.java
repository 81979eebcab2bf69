package org.facemask.job;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * submit.sh's own messages: the script runs from a copy of the project beside a stand-in {@code java} that answers
 * {@code --list-jobs} with its own list of jobs and {@code --print-master} with a cluster master, so no build and
 * no JVM start are needed.
 */
class SubmitScriptTest {
    /** Not the real list: the script must know only what the jar tells it. */
    private static final String STAND_IN_JOBS = "score\\nnightly\\n";

    @TempDir
    Path tmp;

    @Test
    void aClusterMasterWithoutSparkHomeIsNamedWithTheFix() throws Exception {
        String output = submit(2, "score");
        assertTrue(output.contains("spark.master is 'spark://h1:7077'") && output.contains("set it to a Spark 3.5")
                && output.contains("spark.master=local[*]"), output);
        assertFalse(output.contains("$master") || output.contains("the job ran"), output);
    }

    @Test
    void theJobsAreTheOnesTheJarLists() throws Exception {
        String unknown = submit(2, "prepare");
        assertTrue(unknown.contains("error: unknown job 'prepare'"), unknown);
        assertTrue(unknown.contains("usage: ") && unknown.contains("jobs: score nightly"), unknown);
        assertFalse(unknown.contains("the job ran"), unknown);

        String help = submit(2, "--help");
        assertTrue(help.contains("usage: ") && help.contains("jobs: score nightly") && help.contains("--conf FILE"), help);
        assertFalse(help.contains("error:"), help);

        String none = submit(2);
        assertTrue(none.contains("usage: ") && none.contains("jobs: score nightly"), none);

        // a job only the jar knows gets as far as choosing where to run
        String listed = submit(2, "nightly");
        assertTrue(listed.contains("spark.master is 'spark://h1:7077'"), listed);
    }

    @Test
    void aJarThatCannotListItsJobsIsNamed() throws Exception {
        String output = submit(2, "--list-fails", "score");
        assertTrue(output.contains("did not list its jobs") && output.contains("rebuild it"), output);
    }

    /** Main's registry answers --list-jobs with every job, one a line, in the order of its usage. */
    @Test
    void mainListsItsJobs() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.run(new String[]{Main.LIST_JOBS}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertEquals(0, code);
        assertEquals(List.of("prepare", "featurize", "train", "evaluate", "pipeline", "score", "stream"),
                out.toString(StandardCharsets.UTF_8).lines().toList());
        assertEquals(Main.JOBS.stream().map(Job::name).toList(), out.toString(StandardCharsets.UTF_8).lines().toList());
    }

    /**
     * Runs submit.sh with {@code args} against the stand-in java and returns what it printed.
     *
     * @param args with {@code --list-fails} first, the stand-in fails to list the jobs
     */
    private String submit(int exitCode, String... args) throws IOException, InterruptedException {
        boolean listFails = args.length > 0 && args[0].equals("--list-fails");
        Path project = Files.createDirectories(tmp.resolve("project"));
        Files.copy(Path.of("submit.sh"), project.resolve("submit.sh"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.createDirectories(project.resolve("src/main"));
        Files.writeString(project.resolve("pom.xml"), "<project/>");
        Path jar = Files.createDirectories(project.resolve("target")).resolve("facemask-pipeline.jar");
        Files.writeString(jar, "");
        // newer than the sources, so the script does not build
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(60)));
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path java = Files.writeString(bin.resolve("java"), "#!/usr/bin/env bash\n"
                + "[[ \" $* \" == *\" --list-jobs \"* ]] && " + (listFails ? "exit 1" : "printf '" + STAND_IN_JOBS + "' && exit 0") + "\n"
                + "[[ \" $* \" == *\" --print-master \"* ]] && echo 'spark://h1:7077' && exit 0\n"
                + "echo \"the job ran: $*\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));

        List<String> command = new java.util.ArrayList<>(List.of("bash", project.resolve("submit.sh").toString()));
        command.addAll(List.of(args).subList(listFails ? 1 : 0, args.length));
        ProcessBuilder submit = new ProcessBuilder(command).redirectErrorStream(true);
        submit.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        submit.environment().remove("SPARK_HOME");
        Process process = submit.start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(exitCode, process.exitValue(), output);
        return output;
    }
}
