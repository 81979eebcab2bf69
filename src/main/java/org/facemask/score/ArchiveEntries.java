package org.facemask.score;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Image files inside .zip, .tar, .tar.gz and .tgz archives, read as a stream (the archive is never unpacked to
 * disk). Directories are skipped; every file entry is handed over, images or not, so each is accounted for.
 */
final class ArchiveEntries {
    /** Entries larger than this are reported, not read (a guard like image.max-pixels, for memory). */
    static final long MAX_ENTRY_BYTES = 512L << 20;

    private ArchiveEntries() {
    }

    interface EntryHandler {
        /** @param bytes the entry's content, or null when it was too large to read (then {@code error} says why) */
        void entry(String name, long size, byte[] bytes, String error);
    }

    static boolean isArchive(String path) {
        String p = path.toLowerCase(Locale.ROOT);
        return p.endsWith(".zip") || p.endsWith(".tar") || p.endsWith(".tar.gz") || p.endsWith(".tgz");
    }

    /** @throws IOException when the archive itself is damaged; entries read before that were already handed over */
    static void read(String path, InputStream raw, EntryHandler handler) throws IOException {
        String p = path.toLowerCase(Locale.ROOT);
        InputStream in = new BufferedInputStream(raw);
        if (p.endsWith(".zip")) {
            try (ZipInputStream zip = new ZipInputStream(in)) {
                ZipEntry e;
                while ((e = zip.getNextEntry()) != null) {
                    if (!e.isDirectory()) {
                        handle(e.getName(), zip, handler);
                    }
                }
            }
            return;
        }
        InputStream tarStream = p.endsWith(".tar") ? in : new GzipCompressorInputStream(in);
        try (TarArchiveInputStream tar = new TarArchiveInputStream(tarStream)) {
            TarArchiveEntry e;
            while ((e = tar.getNextTarEntry()) != null) {
                if (e.isFile()) {
                    handle(e.getName(), tar, handler);
                }
            }
        }
    }

    private static void handle(String name, InputStream entry, EntryHandler handler) throws IOException {
        byte[] bytes = entry.readNBytes((int) Math.min(MAX_ENTRY_BYTES + 1, Integer.MAX_VALUE - 8));
        if (bytes.length > MAX_ENTRY_BYTES) {
            long skipped = entry.transferTo(java.io.OutputStream.nullOutputStream());
            handler.entry(name, bytes.length + skipped, null, "archive entry over " + (MAX_ENTRY_BYTES >> 20) + " MB");
        } else {
            handler.entry(name, bytes.length, bytes, null);
        }
    }
}
