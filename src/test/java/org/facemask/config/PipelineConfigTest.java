package org.facemask.config;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

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
        assertEquals("file:///data/in", p.inputs().get(0).toString().replaceAll("/$", ""));
        assertEquals("hdfs://nn:8020/out", p.output().toString());
        assertEquals(0.2, p.split().test(), 1e-12);
        assertEquals("3g", c.spark().conf().get("spark.executor.memory"));
    }

    @Test
    void relativePathsBecomeAbsoluteFileUris() {
        PrepareSettings p = PipelineConfig.load(null, List.of("prepare.input=data samples/faces", "prepare.output=out"))
                .prepare();
        assertEquals("file", p.inputs().get(0).getScheme());
        assertTrue(p.inputs().get(0).getPath().endsWith("/data samples/faces"), p.inputs().get(0).toString());
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

    /** Every path a job must be given, so that each section reads up to the key under test. */
    private static final List<String> REQUIRED = List.of("prepare.input=/a", "prepare.output=/b", "featurize.input=/b",
            "featurize.output=/c", "train.input=/b", "train.output=/m", "evaluate.model=/m", "evaluate.input=/b",
            "evaluate.output=/e", "score.model=/m", "score.input=/a", "score.output=/s", "faces.model=/f/yunet.onnx",
            "stream.input=/l", "stream.output=/t", "stream.checkpoint=/k");

    private static PipelineConfig readEverySection(String... overrides) {
        List<String> args = new java.util.ArrayList<>(REQUIRED);
        args.addAll(List.of(overrides));
        PipelineConfig c = PipelineConfig.load(null, args);
        c.spark();
        c.image();
        c.prepare();
        c.model();
        c.featurize();
        c.train();
        c.evaluate();
        c.score();
        c.stream();
        c.faces();
        return c;
    }

    @Test
    void everyIntegerSettingRefusesAFraction() {
        // Typesafe Config's getInt reads 1.5 as 1: train.epochs=1.5 ran one epoch. A key whose default is a whole
        // number is an integer setting, but for these (Typesafe reads 20.0 as 20 too, so reference.conf cannot say)
        Set<String> fractionalWithWholeDefault = Set.of("train.augment.rotation", "train.augment.brightness",
                "train.augment.contrast", "train.augment.saturation", "train.augment.blur");
        assertEquals(22.5, readEverySection("train.augment.rotation=22.5").train().augmentation().rotationDegrees());
        Set<String> integerKeys = new TreeSet<>();
        ConfigFactory.parseResources(PipelineConfig.class, "/reference.conf").entrySet().stream()
                .filter(e -> e.getValue().unwrapped() instanceof Integer || e.getValue().unwrapped() instanceof Long)
                .filter(e -> !fractionalWithWholeDefault.contains(e.getKey()))
                .forEach(e -> integerKeys.add(e.getKey()));
        assertTrue(integerKeys.containsAll(List.of("train.epochs", "train.seed", "image.max-pixels",
                "faces.verify-side", "score.rows-per-file")), integerKeys.toString());
        integerKeys.add("faces.detect-side"); // a list by default, and one side as well
        for (String key : integerKeys) {
            String message = assertThrows(ConfigError.class, () -> readEverySection(key + "=1.5"), key).getMessage();
            assertTrue(message.contains(key) && message.contains("whole number") && message.contains("1.5"),
                    key + ": " + message);
        }
        String inAList = assertThrows(ConfigError.class, () -> readEverySection("faces.detect-side=[1024, 2048.5]"))
                .getMessage();
        assertTrue(inAList.contains("faces.detect-side") && inAList.contains("2048.5"), inAList);
    }

    @Test
    void wholeNumbersAreReadExactlyInAnySpelling() throws Exception {
        PipelineConfig c = readEverySection("train.epochs=1e1", "prepare.seed=12345678901234567");
        assertEquals(10, c.train().epochs());
        assertEquals(12345678901234567L, c.prepare().seed(), "no detour through a double");
        Path conf = Files.writeString(tmp.resolve("numbers.conf"), "train { epochs = 3.0, seed = 9007199254740993 }\n");
        TrainSettings fromFile = PipelineConfig.load(conf, REQUIRED).train();
        assertEquals(3, fromFile.epochs());
        assertEquals(9007199254740993L, fromFile.seed());
        String tooLarge = assertThrows(ConfigError.class, () -> readEverySection("train.seed=1e30")).getMessage();
        assertTrue(tooLarge.contains("train.seed") && tooLarge.contains("64-bit"), tooLarge);
        String word = assertThrows(ConfigError.class, () -> readEverySection("train.epochs=thirty")).getMessage();
        assertTrue(word.contains("train.epochs") && word.contains("'thirty'"), word);
        String outOfRange = assertThrows(ConfigError.class, () -> readEverySection("train.epochs=1e12")).getMessage();
        assertTrue(outOfRange.contains("train.epochs must be between 1 and 10000"), outOfRange);
    }

    @Test
    void fineTuningCanBeTurnedOffAndItsSettingsAreChecked() {
        // the default recipe fine-tunes (docs/BENCHMARKS.md, "Generalization"); 0 blocks is the head alone
        assertEquals(new TrainSettings.FineTune(3, 10, 1e-4), readEverySection().train().fineTune());
        assertFalse(readEverySection("train.fine-tune.blocks=0").train().fineTune().enabled());
        TrainSettings.FineTune on = readEverySection("train.fine-tune.blocks=5", "train.fine-tune.epochs=4",
                "train.fine-tune.learning-rate=1e-5").train().fineTune();
        assertEquals(new TrainSettings.FineTune(5, 4, 1e-5), on);
        String tooMany = assertThrows(ConfigError.class, () -> readEverySection("train.fine-tune.blocks=17")).getMessage();
        assertTrue(tooMany.contains("train.fine-tune.blocks must be between 0 and 16"), tooMany);
        String rate = assertThrows(ConfigError.class, () -> readEverySection("train.fine-tune.learning-rate=0")).getMessage();
        assertTrue(rate.contains("train.fine-tune.learning-rate"), rate);
    }

    @Test
    void sparkMasterIsAFormSparkSubmitTakes() {
        for (String good : List.of("local", "local[4]", "local[*]", "local[2,3]", "spark://h1:7077,h2:7077", "yarn",
                "k8s://https://k8s.example:443", "mesos://m:5050")) {
            assertEquals(good, PipelineConfig.load(null, List.of("spark.master=" + good)).spark().master());
        }
        for (String bad : List.of("bogus", "local[0]", "local[x]", "local[4", "spark:/h:7077", "spark://", "YARN",
                "local [4]")) {
            String message = assertThrows(ConfigError.class,
                    () -> PipelineConfig.load(null, List.of("spark.master=" + bad)).spark(), bad).getMessage();
            assertTrue(message.contains("spark.master") && message.contains("'" + bad + "'")
                    && message.contains("local[N], local[*], spark://HOST:PORT, yarn, k8s://"), message);
        }
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
        assertEquals(List.of(640, 1024), PipelineConfig.load(null, yunet).faces().detectSides());
        List<String> one = new java.util.ArrayList<>(yunet);
        one.add("faces.detect-side=1024");
        assertEquals(List.of(1024), PipelineConfig.load(null, one).faces().detectSides());
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
    void detectionPassesAndTheSecondLookAreCheckedBeforeAnyWork() {
        FacesSettings on = PipelineConfig.load(null, List.of("faces.detect-side=1024", "faces.flip=true", "faces.fusion=wbf",
                "faces.verify-side=200", "faces.verify-min-size=24")).faces();
        assertEquals(List.of(true, FacesSettings.Fusion.WBF, 200, 24), List.of(on.flip(), on.fusion(), on.verifySide(),
                on.verifyMinSize()));
        assertEquals(2, on.passes(), "one side, and its mirror image");
        for (String bad : List.of("faces.fusion=average", "faces.flip=sometimes", "faces.verify-side=16",
                "faces.verify-side=-1", "faces.verify-min-size=0")) {
            String key = bad.substring(0, bad.indexOf('='));
            String message = assertThrows(ConfigError.class, () -> PipelineConfig.load(null, List.of(bad)).faces(), bad)
                    .getMessage();
            assertTrue(message.contains(key), bad + ": " + message);
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
