package org.facemask.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PipelineConfigTest {
    @TempDir
    Path tmp;

    private static String failure(Path conf, String... overrides) {
        return assertThrows(ConfigError.class, () -> {
            PipelineConfig c = PipelineConfig.load(conf, List.of(overrides));
            c.spark();
            c.image();
            c.prepare();
        }).getMessage();
    }

    @Test
    void defaultsComeFromReferenceConf() {
        PipelineConfig c = PipelineConfig.load(null, List.of());
        assertEquals(224, c.image().size());
        assertEquals(new SplitRatios(0.7, 0.2, 0.1), new SplitRatios(0.7, 0.2, 0.1));
        assertTrue(c.spark().isLocal());
    }

    @Test
    void commandLineOverridesFileWhichOverridesDefaults() throws Exception {
        Path conf = Files.writeString(tmp.resolve("a.conf"),
                "image.size = 200\nprepare { input = \"/data/in\", output = \"hdfs://nn:8020/out\", seed = 7 }\n"
                        + "spark.conf { \"spark.executor.memory\" = \"3g\" }\n");
        PipelineConfig c = PipelineConfig.load(conf, List.of("prepare.seed=11", "prepare.split.val=0.1",
                "prepare.split.test=0.2"));
        assertEquals(200, c.image().size());
        PrepareSettings p = c.prepare();
        assertEquals(11, p.seed());
        assertEquals("file:///data/in", p.input().toString().replaceAll("/$", ""));
        assertEquals("hdfs://nn:8020/out", p.output().toString());
        assertEquals(0.2, p.split().test(), 1e-12);
        assertEquals("3g", c.spark().conf().get("spark.executor.memory"));
    }

    @Test
    void relativePathsBecomeAbsoluteFileUris() {
        PrepareSettings p = PipelineConfig.load(null, List.of("prepare.input=data samples/faces", "prepare.output=out"))
                .prepare();
        assertEquals("file", p.input().getScheme());
        assertTrue(p.input().getPath().endsWith("/data samples/faces"), p.input().toString());
    }

    @Test
    void unknownKeysAreRefusedByName() {
        String msg = failure(null, "prepare.outptu=/x");
        assertTrue(msg.contains("prepare.outptu"), msg);
        assertTrue(msg.contains("unknown"), msg);
    }

    @Test
    void unknownKeyInAFileNamesTheFile() throws Exception {
        Path conf = Files.writeString(tmp.resolve("typo.conf"), "image { sise = 200 }\n");
        String msg = failure(conf);
        assertTrue(msg.contains("image.sise") && msg.contains("typo.conf"), msg);
    }

    @Test
    void wrongTypesAndValuesNameTheKey() {
        String notNumber = failure(null, "image.size=big", "prepare.input=/a", "prepare.output=/b");
        assertTrue(notNumber.contains("size"), notNumber);
        String tooSmall = failure(null, "image.size=8", "prepare.input=/a", "prepare.output=/b");
        assertTrue(tooSmall.contains("image.size"), tooSmall);
        String badSplit = failure(null, "prepare.split.train=0.9", "prepare.input=/a", "prepare.output=/b");
        assertTrue(badSplit.contains("add up to 1"), badSplit);
        String noInput = failure(null, "prepare.output=/b");
        assertTrue(noInput.contains("prepare.input"), noInput);
        String badUri = failure(null, "prepare.input=hdfs://nn:8020", "prepare.output=/b");
        assertTrue(badUri.contains("prepare.input"), badUri);
        String badDecoder = failure(null, "image.jpeg-decoder=libjpeg", "prepare.input=/a", "prepare.output=/b");
        assertTrue(badDecoder.contains("image.jpeg-decoder") && badDecoder.contains("auto, turbojpeg, opencv"), badDecoder);
    }

    @Test
    void maxEntryBytesIsASizeWithUnitsAndOutOfRangeValuesNameTheKey() {
        List<String> score = List.of("score.model=/m", "score.input=/in", "score.output=/out");
        assertEquals(64L << 20, PipelineConfig.load(null, score).score().maxEntryBytes());
        List<String> larger = new java.util.ArrayList<>(score);
        larger.add("score.max-entry-bytes=200MiB");
        assertEquals(200L << 20, PipelineConfig.load(null, larger).score().maxEntryBytes());
        for (String bad : List.of("0", "2GiB", "lots")) {
            List<String> args = new java.util.ArrayList<>(score);
            args.add("score.max-entry-bytes=" + bad);
            String message = assertThrows(ConfigError.class, () -> PipelineConfig.load(null, args).score()).getMessage();
            assertTrue(message.contains("max-entry-bytes"), bad + ": " + message);
        }
    }

    @Test
    void detectSideIsOneSideOrAListOfDifferentSides() {
        List<String> yunet = List.of("faces.model=/m/yunet.onnx");
        assertEquals(List.of(1024), PipelineConfig.load(null, yunet).faces().detectSides());
        List<String> two = new java.util.ArrayList<>(yunet);
        two.add("faces.detect-side=[1024, 2048]");
        assertEquals(List.of(1024, 2048), PipelineConfig.load(null, two).faces().detectSides());
        two.add("faces.box-adjust=[0, 0.1, 1, 0.9]"); // lists on the command line, as in a file
        assertEquals(new FacesSettings.BoxAdjust(0, 0.1, 1, 0.9), PipelineConfig.load(null, two).faces().boxAdjust());
        for (String bad : List.of("[]", "[1024, 1024]", "[1024, 32]", "big", "[1024,")) {
            List<String> args = new java.util.ArrayList<>(yunet);
            args.add("faces.detect-side=" + bad);
            String message = assertThrows(ConfigError.class, () -> PipelineConfig.load(null, args).faces()).getMessage();
            assertTrue(message.contains("detect-side"), bad + ": " + message);
        }
    }

    @Test
    void missingOrBrokenFilesAreNamed() throws Exception {
        String missing = failure(tmp.resolve("nope.conf"));
        assertTrue(missing.contains("nope.conf"), missing);
        Path broken = Files.writeString(tmp.resolve("broken.conf"), "image { size = \n");
        String parse = failure(broken);
        assertTrue(parse.contains("broken.conf"), parse);
        String noEquals = failure(null, "prepare.input");
        assertTrue(noEquals.contains("key=value"), noEquals);
    }

    @Test
    void otherNamespacesAreNotOurs() {
        // system properties and other libraries' settings share the merged tree; only ours are checked
        assertFalse(PipelineConfig.NAMESPACES.contains("akka"));
        PipelineConfig.load(null, List.of("akka.loglevel=DEBUG", "spark.conf.\"spark.anything.goes\"=1"));
    }
}
