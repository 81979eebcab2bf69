package org.facemask.score;

import org.facemask.storage.Lease;
import org.facemask.testing.ChildJvm;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #16 row 9: a run killed while the swap deleted the old partition left 440 of 600 rows. Now a kill at
 * any moment of the swap leaves the old or the new partition whole, and the next run's tidy-up finishes the job:
 * stopped by a hook between the steps, by halting a child JVM there, and by SIGKILLing a child JVM that swaps in
 * a loop at random moments (inside the renames and deletes too).
 */
class PartitionSwapTest {
    static final int FILES = 40;
    @TempDir
    Path tmp;
    final Configuration conf = new Configuration();

    /** A partition of FILES files that all say which version they belong to. */
    static void writeVersion(Path dir, int version) throws IOException {
        Files.createDirectories(dir);
        for (int i = 0; i < FILES; i++) {
            Files.writeString(dir.resolve(String.format("part-%05d.parquet", i)), "version " + version);
        }
    }

    /** The version the folder holds whole, failing on a partial or mixed folder; 0 when it does not exist. */
    static int wholeVersion(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        Set<String> contents = new TreeSet<>();
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> !p.getFileName().toString().startsWith(".")).toList();
        }
        for (Path f : files) {
            contents.add(Files.readString(f));
        }
        assertEquals(FILES, files.size(), dir + " is partial: " + files.size() + " files " + contents);
        assertEquals(1, contents.size(), dir + " mixes versions " + contents);
        return Integer.parseInt(contents.iterator().next().substring("version ".length()));
    }

    private Path partition() {
        return tmp.resolve(SwapChild.PARTITION);
    }

    private Path aside() {
        return tmp.resolve(PartitionSwap.REPLACED).resolve(SwapChild.PARTITION);
    }

    private PartitionSwap staged(String runId, int version, PartitionSwap.Hook hook) throws IOException {
        PartitionSwap swap = new PartitionSwap(tmp.toUri(), SwapChild.PARTITION, runId, conf, hook);
        writeVersion(Path.of(swap.staging()), version);
        return swap;
    }

    /** After the next run's tidy-up: the expected version whole in place, nothing aside, nothing staged. */
    private void assertTidiedTo(int version) throws IOException {
        new PartitionSwap(tmp.toUri(), SwapChild.PARTITION, "next", conf).tidy();
        assertEquals(version, wholeVersion(partition()));
        assertFalse(Files.exists(aside()));
        try (Stream<Path> staging = Files.list(tmp.resolve(PartitionSwap.STAGING))) {
            assertEquals(List.of(), staging.toList());
        }
    }

    @Test
    void aSwapReplacesTheOldPartitionAndLeavesNothingBehind() throws IOException {
        staged("first", 1, PartitionSwap.Hook.NONE).swapIn(); // no partition yet
        assertEquals(1, wholeVersion(partition()));
        staged("second", 2, PartitionSwap.Hook.NONE).swapIn();
        assertEquals(2, wholeVersion(partition()));
        assertTidiedTo(2);
    }

    /** The expected partition after a kill right after each step: only before the new one arrived is it the old. */
    private static int expectedAfterKillAt(PartitionSwap.Step step) {
        return step == PartitionSwap.Step.OLD_MOVED_ASIDE ? 1 : 2;
    }

    @Test
    void stoppedBetweenAnyTwoStepsTheNextRunFinishesOrUndoesIt() throws IOException {
        for (PartitionSwap.Step step : PartitionSwap.Step.values()) {
            writeVersion(partition(), 1);
            PartitionSwap swap = staged("killed", 2, at -> {
                if (at == step) {
                    throw new IllegalStateException("killed after " + at);
                }
            });
            assertThrows(IllegalStateException.class, swap::swapIn);
            // what a reader sees before the next run: the old partition, or the new one, whole, or (between the two
            // renames) no partition and the old one whole aside
            if (step == PartitionSwap.Step.OLD_MOVED_ASIDE) {
                assertEquals(0, wholeVersion(partition()));
                assertEquals(1, wholeVersion(aside()));
            } else {
                assertEquals(2, wholeVersion(partition()));
            }
            assertTidiedTo(expectedAfterKillAt(step));
            deleteTree(partition());
        }
    }

    @Test
    void aChildJvmHaltedAtEachStepLeavesAWholePartition() throws Exception {
        for (PartitionSwap.Step step : PartitionSwap.Step.values()) {
            writeVersion(partition(), 1);
            writeVersion(Path.of(new PartitionSwap(tmp.toUri(), SwapChild.PARTITION, "child", conf).staging()), 2);
            Process child = child("swap", tmp.toString(), step.name(), "child").start();
            assertTrue(child.waitFor(120, TimeUnit.SECONDS));
            assertEquals(3, child.exitValue(), "halted at " + step + ": " + new String(child.getInputStream().readAllBytes()));
            assertTidiedTo(expectedAfterKillAt(step));
            deleteTree(partition());
        }
    }

    @Test
    void aChildJvmKilledAtRandomMomentsOfItsSwapsLeavesAWholePartition() throws Exception {
        Random random = new Random(16);
        writeVersion(partition(), 1);
        int swaps = 0;
        for (int kill = 0; kill < 4; kill++) {
            Path log = tmp.resolve("child-" + kill + ".log");
            ChildJvm.killAtRandomMoment(child("loop", tmp.toString()), log, SwapChild.READY, random);
            // a reader between the kill and the next run sees a whole partition, or none with a whole one aside
            int inPlace = wholeVersion(partition());
            if (inPlace == 0) {
                assertTrue(wholeVersion(aside()) > 0, "neither the partition nor the copy aside is whole");
            }
            new PartitionSwap(tmp.toUri(), SwapChild.PARTITION, "next", conf).tidy();
            assertTrue(wholeVersion(partition()) > 0, "the partition is gone after kill " + kill);
            assertFalse(Files.exists(aside()));
            swaps += (int) Files.readAllLines(log).stream().filter(l -> l.startsWith("swapped")).count();
        }
        assertTrue(swaps > 8, "the kills came while swaps were under way: " + swaps + " swaps");
    }

    /** A partition a killed run of another date left aside is put back by the next run of any date, unless leased. */
    @Test
    void anotherDateLeftAsideIsPutBackByTheNextRunUnlessItIsLeased() throws IOException {
        writeVersion(partition(), 1);
        assertThrows(IllegalStateException.class, staged("killed", 2, step -> {
            throw new IllegalStateException("killed after " + step);
        })::swapIn);
        java.time.Duration timeout = java.time.Duration.ofMinutes(5);
        try (Lease held = PartitionSwap.lease(tmp.toUri(), SwapChild.PARTITION, timeout, conf)) {
            PartitionSwap.tidyOthers(tmp.toUri(), "run_date=2026-11-02", timeout, conf);
            assertEquals(0, wholeVersion(partition()), "a leased date is left to its run");
            assertEquals(1, wholeVersion(aside()));
        }
        PartitionSwap.tidyOthers(tmp.toUri(), "run_date=2026-11-02", timeout, conf);
        assertEquals(1, wholeVersion(partition()));
        assertFalse(Files.exists(aside()));
        assertFalse(Files.exists(tmp.resolve(PartitionSwap.LOCKS).resolve(SwapChild.PARTITION + ".lock")));
    }

    static ProcessBuilder child(String... args) {
        return ChildJvm.command(SwapChild.class, args);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
