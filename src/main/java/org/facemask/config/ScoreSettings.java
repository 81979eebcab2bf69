package org.facemask.config;

import com.typesafe.config.Config;

import java.net.URI;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * @param model        a model directory written by train
 * @param input        a folder (scanned recursively), a file, or a glob; .zip/.tar/.tar.gz inside are opened
 * @param output       the scores dataset, partitioned by run_date
 * @param runDate      the partition this run writes (replaced as a whole on a re-run)
 * @param incremental  skip files already scored without error by the same model version with the same
 *                     modification time, the same way (whole, or per face with the same detector and settings)
 * @param partitions   Spark partitions for reading and scoring; 0 = automatic
 * @param rowsPerFile  rows per output Parquet file, to keep files few and large
 * @param faces        detect the faces in each photo and score each (settings in {@link FacesSettings})
 * @param maxEntryBytes archive entries larger than this are not read (a row says so): an entry is read whole
 * @param allowEmpty    an input that lists no file writes an empty partition instead of failing the run
 * @param lockTimeout   a lease on the output and date not renewed for this long belongs to a dead run
 */
public record ScoreSettings(URI model, URI input, URI output, LocalDate runDate, boolean incremental,
                            int partitions, int rowsPerFile, boolean faces, long maxEntryBytes, boolean allowEmpty,
                            Duration lockTimeout) {
    /** An entry is read into one array: Java's arrays end a little below 2 GiB; 1 GiB leaves room for two tasks. */
    private static final long MAX_ENTRY_BYTES_LIMIT = 1L << 30;

    public static ScoreSettings from(Config c) {
        String date = c.getString("run-date").trim();
        LocalDate runDate;
        try {
            runDate = date.isEmpty() ? LocalDate.now(ZoneOffset.UTC) : LocalDate.parse(date);
        } catch (DateTimeParseException e) {
            throw new ConfigError("score.run-date must be a date like 2026-11-26, got '" + date + "'");
        }
        return new ScoreSettings(
                StorageUri.parse("score.model", c.getString("model")),
                StorageUri.parse("score.input", c.getString("input")),
                StorageUri.parse("score.output", c.getString("output")),
                runDate,
                c.getBoolean("incremental"),
                Checks.intIn(c, "score.partitions", 0, 100_000),
                Checks.intIn(c, "score.rows-per-file", 1, 100_000_000),
                c.getBoolean("faces"),
                maxEntryBytes(c),
                c.getBoolean("allow-empty"),
                positiveDuration(c, "lock-timeout"));
    }

    static long maxEntryBytes(Config c) {
        long bytes = c.getBytes("max-entry-bytes");
        if (bytes < 1 || bytes > MAX_ENTRY_BYTES_LIMIT) {
            throw new ConfigError("score.max-entry-bytes must be between 1 byte and 1GiB (" + MAX_ENTRY_BYTES_LIMIT
                    + " bytes), got " + bytes);
        }
        return bytes;
    }

    private static Duration positiveDuration(Config c, String key) {
        Duration d = c.getDuration(key);
        if (d.isZero() || d.isNegative()) {
            throw new ConfigError("score." + key + " must be a positive duration such as 30m, got " + d);
        }
        return d;
    }
}
