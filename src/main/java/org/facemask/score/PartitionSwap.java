package org.facemask.score;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.facemask.storage.Lease;
import org.facemask.storage.Storage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;

/**
 * Puts one run's partition ({@code run_date=...}) in place of the one an earlier run of the same date wrote, so
 * that a kill at any moment leaves the old or the new partition whole: the new rows are written to
 * {@code _staging/<partition>.<run id>}; then the old partition is moved aside to {@code _replaced/<partition>}
 * with one rename, the staged one renamed in, and only then is the old one deleted. The next run of the date
 * tidies up first ({@link #tidy}): it puts the old partition back if the new one never arrived, deletes the
 * aside copy if it did, and deletes what killed runs staged; a run of any other date does the same for partitions
 * left aside ({@link #tidyOthers}). Spark's readers skip {@code _}-folders.
 *
 * <p>A rename is one atomic step on local disk and HDFS. On S3 a rename copies every file and then deletes the
 * originals, so there a kill during a rename can leave a partition partly copied (README, "Guarantees").
 *
 * <p>Run it under the date's {@link #lease}: two swaps of one partition at once would interleave.
 */
final class PartitionSwap {
    static final String STAGING = "_staging";
    /** The partitions' leases: {@code _locks/<partition>.lock}. */
    static final String LOCKS = "_locks";
    static final String REPLACED = "_replaced";
    private static final Logger LOG = LoggerFactory.getLogger(PartitionSwap.class);

    /** The moments between the steps of a swap, where a test stops it as a kill would. */
    enum Step { OLD_MOVED_ASIDE, NEW_MOVED_IN, OLD_DELETED }

    /** Called after each step; production code does nothing there. */
    interface Hook {
        Hook NONE = step -> { };

        void after(Step step);
    }

    private final FileSystem fs;
    private final Path partition;
    private final Path staging;
    private final Path aside;
    private final Hook hook;

    /**
     * @param partitionName e.g. {@code run_date=2026-11-26}
     * @param runId         makes this run's staging folder its own, apart from any other run's
     */
    PartitionSwap(URI output, String partitionName, String runId, Configuration conf) {
        this(output, partitionName, runId, conf, Hook.NONE);
    }

    PartitionSwap(URI output, String partitionName, String runId, Configuration conf, Hook hook) {
        Path root = new Path(output);
        this.fs = Storage.fileSystem(output, conf);
        this.partition = new Path(root, partitionName);
        this.staging = new Path(new Path(root, STAGING), partitionName + "." + runId);
        this.aside = new Path(new Path(root, REPLACED), partitionName);
        this.hook = hook;
    }

    /** Where this run writes its partition before {@link #swapIn}. */
    URI staging() {
        return staging.toUri();
    }

    /** Finishes or undoes what a killed run left for this partition; see the class comment. */
    void tidy() {
        try {
            if (fs.exists(aside)) {
                if (fs.exists(partition)) {
                    LOG.warn("a run was killed after it moved its partition in; deleting the replaced copy {}", aside);
                    delete(aside);
                } else {
                    LOG.warn("a run was killed between moving the old partition aside and moving its own in; "
                            + "putting {} back as {}", aside, partition);
                    rename(aside, partition);
                }
            }
            Path stagingRoot = staging.getParent();
            String ours = partition.getName();
            if (fs.exists(stagingRoot)) {
                for (FileStatus s : fs.listStatus(stagingRoot)) {
                    String name = s.getPath().getName();
                    if (name.equals(ours) || name.startsWith(ours + ".")) {
                        LOG.info("deleting {}, what a killed run of this date staged", s.getPath());
                        delete(s.getPath());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot tidy up after an earlier run of " + partition + ": " + e.getMessage(), e);
        }
    }

    /**
     * Tidies every other partition a killed run left moved aside (its rows would be missing for readers, and an
     * incremental run would score its files again), each under its own lease; one another run holds is left to it.
     */
    static void tidyOthers(URI output, String ours, Duration leaseTimeout, Configuration conf) {
        Path replaced = new Path(new Path(output), REPLACED);
        FileSystem fs = Storage.fileSystem(output, conf);
        try {
            if (!fs.exists(replaced)) {
                return;
            }
            for (FileStatus s : fs.listStatus(replaced)) {
                String name = s.getPath().getName();
                if (name.equals(ours)) {
                    continue;
                }
                try (Lease lease = lease(output, name, leaseTimeout, conf)) {
                    new PartitionSwap(output, name, lease.runId(), conf).tidy();
                } catch (Lease.HeldException e) {
                    LOG.info("{} is being replaced by another run; left to it", name);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + replaced + ": " + e.getMessage(), e);
        }
    }

    /**
     * The lease on one partition of a score output: one run at a time per output and date.
     *
     * @param partitionName e.g. {@code run_date=2026-11-26}
     * @throws Lease.HeldException when a live run holds it
     */
    static Lease lease(URI output, String partitionName, Duration timeout, Configuration conf) {
        Path file = new Path(new Path(new Path(output), LOCKS), partitionName + ".lock");
        return Lease.acquire(file, "scoring this output and date", "score.lock-timeout", timeout, conf);
    }

    /** Moves the staged partition in; the old one, if any, aside first and deleted last. */
    void swapIn() {
        try {
            boolean replacing = fs.exists(partition);
            if (replacing) {
                fs.mkdirs(aside.getParent());
                rename(partition, aside);
                hook.after(Step.OLD_MOVED_ASIDE);
            } else {
                fs.mkdirs(partition.getParent());
            }
            try {
                rename(staging, partition);
            } catch (IOException e) {
                if (replacing) {
                    rename(aside, partition);
                }
                throw e;
            }
            hook.after(Step.NEW_MOVED_IN);
            if (replacing) {
                delete(aside);
            }
            hook.after(Step.OLD_DELETED);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + staging + " to " + partition + " (re-run the date to finish): "
                    + e.getMessage(), e);
        }
    }

    /** A rename that fails loudly; Hadoop's returns false for most failures. */
    private void rename(Path from, Path to) throws IOException {
        if (fs.exists(to)) {
            // Hadoop would move 'from' into 'to' instead of in its place
            throw new IOException(to + " exists");
        }
        if (!fs.rename(from, to)) {
            throw new IOException("rename of " + from + " to " + to + " returned false");
        }
    }

    private void delete(Path path) throws IOException {
        if (!fs.delete(path, true) && fs.exists(path)) {
            throw new IOException("delete of " + path + " returned false");
        }
    }
}
