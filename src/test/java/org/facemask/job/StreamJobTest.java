package org.facemask.job;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** stream's configuration errors: exit 2 before any Spark work, naming the key (the stream itself: ScoringStreamTest). */
class StreamJobTest {
    @TempDir
    Path tmp;

    private JobRunner.Outcome stream(String... overrides) throws Exception {
        Path landing = Files.createDirectories(tmp.resolve("landing"));
        List<String> args = new ArrayList<>(List.of("stream", "spark.master=local[1]", "score.model=" + tmp.resolve("model"),
                "stream.input=" + landing, "stream.output=" + tmp.resolve("scores"),
                "stream.checkpoint=" + tmp.resolve("checkpoint")));
        args.addAll(List.of(overrides));
        return JobRunner.run(args.toArray(String[]::new));
    }

    private void assertRefused(String expected, String... overrides) throws Exception {
        JobRunner.Outcome outcome = stream(overrides);
        assertEquals(2, outcome.exitCode(), outcome.stderr());
        assertTrue(outcome.stderr().contains(expected), "expected '" + expected + "' in: " + outcome.stderr());
    }

    @Test
    void badSettingsFailBeforeSparkNamingTheKey() throws Exception {
        assertRefused("stream.start must be one of latest, earliest, got 'yesterday'", "stream.start=yesterday");
        assertRefused("stream.trigger must be a positive duration", "stream.trigger=0s");
        assertRefused("stream.max-files-per-trigger must be between 1 and", "stream.max-files-per-trigger=0");
        assertRefused("unknown configuration key(s): stream.triger", "stream.triger=5s");
        assertRefused("stream.input: no such folder", "stream.input=" + tmp.resolve("nowhere"));
        assertRefused("stream.input must be set", "stream.input=");
    }

    @Test
    void locationsThatOverlapOrAModelThatIsNotThereFailBeforeSpark() throws Exception {
        Path landing = tmp.resolve("landing");
        assertRefused("stream.checkpoint (file:" + landing.resolve("_checkpoint") + ") sits inside stream.input",
                "stream.checkpoint=" + landing.resolve("_checkpoint"));
        assertRefused("stream.output (file:" + landing.resolve("scores") + ") sits inside stream.input",
                "stream.output=" + landing.resolve("scores"));
        assertRefused("stream.output (file:" + tmp.resolve("checkpoint") + ") is the same folder as stream.checkpoint",
                "stream.output=" + tmp.resolve("checkpoint"));
        assertRefused("score.model", "score.model=" + Files.createDirectories(tmp.resolve("not a model")));
    }
}
