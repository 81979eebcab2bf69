package org.facemask.storage;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A lease on something only one run may change at a time (a score output's partition, a job's output folder): a
 * lock file with its owner (host, pid, run id) and the time it was last renewed. Only one run holds it; a second run
 * stops at once, naming the file, its owner and its age. The holder renews it every quarter of the timeout; a lease
 * not renewed for the whole timeout (its run was killed), or held by a process of this host that no longer exists,
 * is taken over with a warning. The age is read on the storage's clock, not the holder's. Released on close, also
 * when the run failed.
 *
 * <p>Acquiring is one exclusive create: atomic on HDFS (the NameNode) and on local disk (O_EXCL; Hadoop's local
 * create checks and then opens, which two processes can both pass). S3 has no exclusive create in this Hadoop
 * version, so there two runs started within moments of each other can both get it (README, "Guarantees").
 */
public final class Lease implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Lease.class);

    private final FileSystem fs;
    private final Path file;
    /** What the lease guards, as a sentence's object: "scoring this output and date". */
    private final String activity;
    /** The setting that gives the timeout, named when a live run holds the lease. */
    private final String timeoutSetting;
    private final Duration timeout;
    private final String runId = UUID.randomUUID().toString();
    private final Instant acquiredAt = Instant.now();
    private final ScheduledExecutorService renewal;
    private volatile String lost;
    private boolean closed;

    /** Another run holds the lease. */
    public static final class HeldException extends IllegalStateException {
        HeldException(String message) {
            super(message);
        }
    }

    private Lease(FileSystem fs, Path file, String activity, String timeoutSetting, Duration timeout) {
        this.fs = fs;
        this.file = file;
        this.activity = activity;
        this.timeoutSetting = timeoutSetting;
        this.timeout = timeout;
        this.renewal = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lease " + file.getName());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * @param file           the lock file, e.g. {@code _locks/run_date=2026-11-26.lock}
     * @param activity       what the holder does, for the message to a run that stops: "scoring this output and date"
     * @param timeoutSetting the setting that gives {@code timeout}, named in that message
     * @throws HeldException when a live run holds it, naming the lock file, its owner and age
     */
    public static Lease acquire(Path file, String activity, String timeoutSetting, Duration timeout, Configuration conf) {
        FileSystem fs;
        try {
            fs = file.getFileSystem(conf);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the file system of " + file + ": " + e.getMessage(), e);
        }
        // on local disk no .crc beside the lease: a renewal rewriting it must not make a reader fail its checksum
        Lease lease = new Lease(fs instanceof LocalFileSystem local ? local.getRaw() : fs, file, activity, timeoutSetting,
                timeout);
        try {
            lease.take();
        } catch (IOException e) {
            lease.renewal.shutdownNow();
            throw new UncheckedIOException("cannot take the lease " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            lease.renewal.shutdownNow();
            throw e;
        }
        long every = Math.max(1, timeout.toMillis() / 4);
        lease.renewal.scheduleWithFixedDelay(lease::renew, every, every, TimeUnit.MILLISECONDS);
        return lease;
    }

    private void take() throws IOException {
        fs.mkdirs(file.getParent());
        // two rounds: the second after a stale lease was removed (if another run got in between, it holds it now)
        for (int round = 0; round < 2; round++) {
            if (createExclusive()) {
                LOG.info("took the lease {} (run {})", file, runId);
                return;
            }
            Owner owner = Owner.read(fs, file);
            if (owner == null) {
                continue; // released in the meantime
            }
            Duration age = owner.age(storageNow());
            if (age.compareTo(timeout) < 0 && owner.mayBeAlive()) {
                throw new HeldException("another run is " + activity + ": the lease " + file + " is held by "
                        + owner.describe() + ", renewed " + age.toSeconds() + " s ago; this run stops. If that run is "
                        + "dead, delete " + file + " or wait until the lease expires (" + timeoutSetting + " = "
                        + timeout.toSeconds() + " s)");
            }
            LOG.warn("taking over the stale lease {} of {} (renewed {} s ago, timeout {} s{})", file, owner.describe(),
                    age.toSeconds(), timeout.toSeconds(), owner.mayBeAlive() ? "" : "; that process is gone");
            Owner again = Owner.read(fs, file);
            if (again != null && again.runId().equals(owner.runId())) {
                fs.delete(file, false);
            }
        }
        throw new HeldException("another run took the stale lease " + file + " at the same moment; this run stops");
    }

    /**
     * The storage's clock: the modification time of a file written now, beside the lease. A lease's age is its file's
     * modification time against this, both set by the storage (the NameNode, the object store, the local disk), never
     * by the holder's clock, which may be behind or ahead of ours by more than a lease's life.
     */
    private Instant storageNow() throws IOException {
        Path probe = new Path(file.getParent(), "." + file.getName() + ".clock." + runId);
        fs.create(probe, true).close();
        Instant now = Instant.ofEpochMilli(fs.getFileStatus(probe).getModificationTime());
        fs.delete(probe, false);
        return now;
    }

    /** Creates the lease file unless it exists, in one atomic step where the file system has one. */
    private boolean createExclusive() throws IOException {
        byte[] content = ownerJson(Instant.now());
        if (fs instanceof RawLocalFileSystem local) {
            // written whole under a name of this run's own, then linked in: the link is created only if no lease
            // exists, and a run that loses reads a complete lease (created empty and then written, a racing run could
            // read it empty and name no holder)
            java.nio.file.Path lease = local.pathToFile(file).toPath();
            java.nio.file.Path mine = lease.resolveSibling("." + lease.getFileName() + "." + runId);
            Files.write(mine, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            try {
                Files.createLink(lease, mine);
                return true;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                return false;
            } finally {
                Files.delete(mine);
            }
        }
        try (FSDataOutputStream out = fs.create(file, false)) {
            out.write(content);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        }
    }

    private byte[] ownerJson(Instant renewed) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", runId);
        m.put("host", Owner.thisHost());
        m.put("pid", ProcessHandle.current().pid());
        m.put("acquired_at", acquiredAt.toString());
        m.put("renewed_at", renewed.toString());
        return Json.write(m).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Rewrites the renewal time while the lease is still ours; notes it when another run has taken it. Synchronized
     * with {@link #requireHeld} and {@link #close}: a check must never read the file half rewritten, and a renewal
     * must never write it again after it was released.
     */
    private synchronized void renew() {
        if (closed) {
            return;
        }
        try {
            Owner owner = Owner.read(fs, file);
            if (owner == null || !owner.runId().equals(runId)) {
                lost = owner == null ? "the lease file " + file + " was deleted" : "the lease " + file + " was taken over by "
                        + owner.describe();
                LOG.error("{}; this run will not replace what it guards", lost);
                renewal.shutdown();
                return;
            }
            try (FSDataOutputStream out = fs.create(file, true)) {
                out.write(ownerJson(Instant.now()));
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot renew the lease {}: {}", file, e.getMessage());
        }
    }

    /** This run's id, in the lease file (score also names the folder it stages its partition in with it). */
    public String runId() {
        return runId;
    }

    /** Fails when the lease is no longer ours: call it right before changing what readers see. */
    public synchronized void requireHeld() {
        Owner owner;
        try {
            owner = Owner.read(fs, file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the lease " + file + ": " + e.getMessage(), e);
        }
        if (lost != null || owner == null || !owner.runId().equals(runId)) {
            throw new HeldException(lost != null ? lost : "the lease " + file + " is no longer this run's ("
                    + (owner == null ? "deleted" : "held by " + owner.describe()) + "); nothing was replaced");
        }
    }

    /** Releases the lease if it is still ours. */
    @Override
    public synchronized void close() {
        closed = true;
        renewal.shutdownNow();
        try {
            Owner owner = Owner.read(fs, file);
            if (owner != null && owner.runId().equals(runId)) {
                fs.delete(file, false);
            }
        } catch (IOException e) {
            LOG.warn("cannot release the lease {}: {}", file, e.getMessage());
        }
    }

    /** Who holds a lease, as its file says, and when the storage last saw it written. */
    record Owner(String runId, String host, long pid, Instant modified) {
        /** @return null when there is no lease file */
        static Owner read(FileSystem fs, Path file) throws IOException {
            byte[] bytes;
            long modified;
            try {
                modified = fs.getFileStatus(file).getModificationTime();
                bytes = Storage.readAll(file, fs.getConf());
            } catch (FileNotFoundException e) {
                return null;
            }
            try {
                JsonNode n = Json.read(new String(bytes, StandardCharsets.UTF_8));
                return new Owner(n.path("run_id").asText(), n.path("host").asText(), n.path("pid").asLong(-1),
                        Instant.ofEpochMilli(modified));
            } catch (IllegalArgumentException e) {
                // being written right now, or damaged
                return new Owner("unreadable lease", "unknown host", -1, Instant.ofEpochMilli(modified));
            }
        }

        /** Since the lease was last written, on the storage's clock ({@code now} from {@link #storageNow}). */
        Duration age(Instant now) {
            Duration age = Duration.between(modified, now);
            return age.isNegative() ? Duration.ZERO : age;
        }

        /** False only when the owner ran on this host and its process is gone. */
        boolean mayBeAlive() {
            return !host.equals(thisHost()) || pid < 0 || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }

        String describe() {
            return "run " + runId + " (host " + host + ", pid " + pid + ")";
        }

        static String thisHost() {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                return "unknown host";
            }
        }
    }
}
