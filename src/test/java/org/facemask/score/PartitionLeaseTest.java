package org.facemask.score;

import org.facemask.storage.Lease;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue #16 row 13: two score runs on one output and date; now one holds the lease, the other stops at once. */
class PartitionLeaseTest {
    static final Duration TIMEOUT = Duration.ofMinutes(10);
    @TempDir
    Path tmp;
    final Configuration conf = new Configuration();

    private Lease acquire() {
        return PartitionSwap.lease(tmp.toUri(), SwapChild.PARTITION, TIMEOUT, conf);
    }

    private Path lockFile() {
        return tmp.resolve(PartitionSwap.LOCKS).resolve(SwapChild.PARTITION + ".lock");
    }

    @Test
    void ofRunsStartingTogetherExactlyOneGetsTheLease() throws Exception {
        for (int round = 0; round < 5; round++) {
            int runs = 6;
            CyclicBarrier start = new CyclicBarrier(runs);
            ExecutorService pool = Executors.newFixedThreadPool(runs);
            List<Future<Lease>> attempts = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                attempts.add(pool.submit(() -> {
                    start.await();
                    try {
                        return acquire();
                    } catch (Lease.HeldException e) {
                        assertTrue(e.getMessage().contains(lockFile().toString()) && e.getMessage().contains("pid "
                                + ProcessHandle.current().pid()) && e.getMessage().contains("s ago"), e.getMessage());
                        return null;
                    }
                }));
            }
            List<Lease> holders = new ArrayList<>();
            for (Future<Lease> f : attempts) {
                if (f.get() != null) {
                    holders.add(f.get());
                }
            }
            pool.shutdown();
            assertEquals(1, holders.size(), "round " + round);
            holders.get(0).requireHeld();
            holders.get(0).close();
            assertFalse(Files.exists(lockFile()), "released");
        }
    }

    /**
     * Stale is told by when the storage last saw the lease written, not by the time its holder wrote in it: a live
     * run on a host whose clock is an hour behind keeps its lease.
     */
    @Test
    void aStaleLeaseIsTakenOverAndALiveOneIsNot() throws Exception {
        Files.createDirectories(lockFile().getParent());
        String other = "{\"run_id\": \"r1\", \"host\": \"other-host\", \"pid\": 1, \"renewed_at\": \"%s\"}";
        Files.writeString(lockFile(), String.format(other, Instant.now().minus(TIMEOUT).minusSeconds(3600)));
        Lease.HeldException held = assertThrows(Lease.HeldException.class, this::acquire);
        assertTrue(held.getMessage().contains("other-host") && held.getMessage().contains("score.lock-timeout"), held.getMessage());

        Files.setLastModifiedTime(lockFile(), java.nio.file.attribute.FileTime.from(
                Instant.now().minus(TIMEOUT).minusSeconds(1)));
        try (Lease lease = acquire()) {
            assertTrue(Files.readString(lockFile()).contains(lease.runId()));
        }
        assertFalse(Files.exists(lockFile()));
    }

    /** A run killed on this host leaves its lease behind; the next run sees its process is gone and takes it. */
    @Test
    void theLeaseOfAKilledChildJvmIsTakenOverAtOnce() throws Exception {
        Process child = PartitionSwapTest.child("hold", tmp.toString()).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.startsWith(SwapChild.READY)) {
                // the child's log lines
            }
            assertTrue(line != null, "the child took the lease");
            Lease.HeldException held = assertThrows(Lease.HeldException.class, this::acquire);
            assertTrue(held.getMessage().contains("pid " + child.pid()), held.getMessage());
            child.destroyForcibly();
            assertTrue(child.waitFor(60, TimeUnit.SECONDS));
            try (Lease lease = acquire()) {
                lease.requireHeld();
            }
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void aLeaseTakenFromUsIsNoticedBeforeTheSwap() throws Exception {
        try (Lease lease = acquire()) {
            Files.writeString(lockFile(), "{\"run_id\": \"thief\", \"host\": \"h\", \"pid\": 2, \"renewed_at\": \""
                    + Instant.now() + "\"}");
            Lease.HeldException lost = assertThrows(Lease.HeldException.class, lease::requireHeld);
            assertTrue(lost.getMessage().contains("thief"), lost.getMessage());
        }
        assertTrue(Files.readString(lockFile()).contains("thief"), "another run's lease is not released by us");
    }

    @Test
    void theHolderRenewsItsLease() throws Exception {
        try (Lease lease = PartitionSwap.lease(tmp.toUri(), SwapChild.PARTITION, Duration.ofSeconds(2), conf)) {
            String first = Files.readString(lockFile());
            Thread.sleep(2600);
            assertFalse(first.equals(Files.readString(lockFile())), "renewed");
            // taken longer ago than the timeout, but renewed since: still held
            assertThrows(Lease.HeldException.class,
                    () -> PartitionSwap.lease(tmp.toUri(), SwapChild.PARTITION, Duration.ofSeconds(2), conf));
            lease.requireHeld();
        }
    }
}
