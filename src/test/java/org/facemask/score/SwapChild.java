package org.facemask.score;

import org.facemask.storage.Lease;
import org.apache.hadoop.conf.Configuration;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A separate JVM for the tests that kill one: swaps a partition and halts at a given step ({@code swap}), swaps
 * new versions (2, 3, ...) in a loop until it is killed ({@code loop}), or holds a lease until it is killed ({@code hold}).
 */
public final class SwapChild {
    static final String PARTITION = "run_date=2026-11-01";
    static final String READY = "ready";

    private SwapChild() {
    }

    public static void main(String[] args) throws Exception {
        URI output = Path.of(args[1]).toUri();
        Configuration conf = new Configuration();
        switch (args[0]) {
            case "swap" -> {
                PartitionSwap.Step haltAt = PartitionSwap.Step.valueOf(args[2]);
                new PartitionSwap(output, PARTITION, args[3], conf, step -> {
                    if (step == haltAt) {
                        Runtime.getRuntime().halt(3);
                    }
                }).swapIn();
            }
            case "loop" -> {
                for (int version = 2; ; version++) {
                    PartitionSwap swap = new PartitionSwap(output, PARTITION, "run" + version, conf);
                    swap.tidy();
                    PartitionSwapTest.writeVersion(Path.of(swap.staging()), version);
                    swap.swapIn();
                    System.out.println("swapped " + version);
                    if (version == 2) {
                        System.out.println(READY); // the first swap ran: the JVM and Hadoop are warm
                    }
                }
            }
            case "hold" -> {
                Lease lease = PartitionSwap.lease(output, PARTITION, Duration.ofHours(1), conf);
                System.out.println(READY + " " + lease.runId());
                Thread.sleep(Long.MAX_VALUE);
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }
}
