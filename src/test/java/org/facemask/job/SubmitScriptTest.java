package org.facemask.job;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * submit.sh's own messages: the script runs from a copy of the project beside a stand-in {@code java} that answers
 * {@code --print-master} with a cluster master, so no build and no JVM start are needed.
 */
class SubmitScriptTest {
    @TempDir
    Path tmp;

    @Test
    void aClusterMasterWithoutSparkHomeIsNamedWithTheFix() throws Exception {
        Path project = Files.createDirectories(tmp.resolve("project"));
        Files.copy(Path.of("submit.sh"), project.resolve("submit.sh"));
        Files.createDirectories(project.resolve("src/main"));
        Files.writeString(project.resolve("pom.xml"), "<project/>");
        Path jar = Files.createDirectories(project.resolve("target")).resolve("facemask-pipeline.jar");
        Files.writeString(jar, "");
        // newer than the sources, so the script does not build
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(60)));
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path java = Files.writeString(bin.resolve("java"),
                "#!/usr/bin/env bash\n[[ \" $* \" == *\" --print-master \"* ]] && echo 'spark://h1:7077' && exit 0\n"
                        + "echo \"the job ran: $*\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));

        ProcessBuilder submit = new ProcessBuilder("bash", project.resolve("submit.sh").toString(), "score")
                .redirectErrorStream(true);
        submit.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        submit.environment().remove("SPARK_HOME");
        Process process = submit.start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertEquals(2, process.exitValue(), output);
        assertTrue(output.contains("spark.master is 'spark://h1:7077'") && output.contains("set it to a Spark 3.5")
                && output.contains("spark.master=local[*]"), output);
        assertFalse(output.contains("$master") || output.contains("the job ran"), output);
    }
}
