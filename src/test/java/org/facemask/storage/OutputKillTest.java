package org.facemask.storage;

import org.apache.hadoop.conf.Configuration;
import org.facemask.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The set-aside under real kills: a child JVM retrains a model folder in a loop (set aside, write, commit; every third
 * run fails and puts the earlier model back) and is SIGKILLed at random moments, inside the renames, copies and
 * deletes too. After each kill the next run, which fails, must leave a whole model in place, never older than the
 * last one the child had committed; then nothing is left aside. Both ways of setting aside: the rename (local disk,
 * HDFS) and the copy (object stores).
 */
class OutputKillTest {
    @TempDir
    Path tmp;

    @Test
    void aRetrainKilledAtRandomMomentsNeverLosesTheCommittedModelRenaming() throws Exception {
        killAtRandom(false, new Random(21));
    }

    @Test
    void aRetrainKilledAtRandomMomentsNeverLosesTheCommittedModelCopying() throws Exception {
        killAtRandom(true, new Random(22));
    }

    private void killAtRandom(boolean copying, Random random) throws Exception {
        Configuration conf = OutputChild.conf(copying);
        Path model = tmp.resolve("model");
        try (OutputLocation.Replacement first = OutputLocation.checked(OutputLocation.Writer.TRAIN, model.toUri(), true,
                List.of(), conf).replace(conf)) {
            OutputChild.writeVersion(model, 1);
            first.commit();
        }
        int committedRuns = 0;
        int lastCommitted = 1;
        for (int kill = 0; kill < 5; kill++) {
            Path log = tmp.resolve("child-" + kill + ".log");
            ChildJvm.killAtRandomMoment(ChildJvm.command(OutputChild.class, model.toString(), String.valueOf(copying),
                    String.valueOf(1000 * (kill + 1))), log, OutputChild.READY, random);
            List<String> committed = Files.readAllLines(log).stream().filter(l -> l.startsWith("committed ")).toList();
            if (!committed.isEmpty()) { // versions only grow, from child to child too
                lastCommitted = Integer.parseInt(committed.get(committed.size() - 1).substring("committed ".length()));
            }
            committedRuns += committed.size();

            // the next run fails: what it leaves in place is a whole model, the last committed or one committed later
            try (OutputLocation.Replacement next = OutputLocation.checked(OutputLocation.Writer.TRAIN, model.toUri(), true,
                    List.of(), conf).replace(conf)) {
                Files.writeString(model.resolve("model.zip"), "half a run");
            }
            int inPlace = OutputChild.wholeVersion(model);
            assertTrue(inPlace >= lastCommitted, "after kill " + kill + ": version " + inPlace + " in place, the child had "
                    + "committed " + lastCommitted + (copying ? " (copying)" : " (renaming)"));
            assertFalse(Files.exists(tmp.resolve(".model.previous")), "nothing left aside after kill " + kill);
            assertTrue(Files.readString(model.resolve(OutputLocation.MARKER)).contains("completed_at"),
                    "the model in place is marked complete");
        }
        // each child's first run is done before it can be killed (three of them commit): the rest came in between
        assertTrue(committedRuns > 3, "the kills came while runs were under way: " + committedRuns + " committed");
    }
}
