package org.facemask.source;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.UnicodePathExtraField;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.archivers.zip.ZipMethod;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.ZipException;

/**
 * The files inside .zip, .tar, .tar.gz and .tgz archives, read entry by entry (never unpacked to disk) with Apache
 * Commons Compress. Every entry that is not a directory is handed over exactly once: read whole, or with the reason
 * it was not read (encrypted, unsupported compression, a link, a nested archive, over the size limit). An entry name
 * that occurs again in one archive gets {@code #2}, {@code #3}, ... appended, so every row has a path of its own.
 *
 * <p>Zips are read through their central directory ({@link ZipFile} over positioned reads, which every Hadoop file
 * system offers): it has every entry's size, so STORED entries written with data descriptors (streaming writers),
 * encrypted or unsupported entries among readable ones, and zip64 are all read or skipped exactly. Names are CP437
 * unless the entry carries the UTF-8 flag or an Info-ZIP Unicode path field; a name without either whose bytes are
 * valid UTF-8 (as some writers leave them) is read as UTF-8. A zip whose central directory cannot be read
 * (a truncated upload) is read as a stream from its start instead, so the entries before the damage still count.
 */
public final class ArchiveEntries {
    /** Between an archive's path and an entry's name in a row's path: {@code /cams/day.zip!/a.jpg}. */
    public static final String SEPARATOR = "!/";
    /** The zip standard's name encoding when an entry does not say UTF-8 (IBM PC code page 437). */
    private static final String ZIP_DEFAULT_ENCODING = "Cp437";
    /** A symbolic link's target is a path, never long; more is not read. */
    private static final int MAX_LINK_TARGET_BYTES = 4096;

    private ArchiveEntries() {
    }

    public interface EntryHandler {
        /** A file entry, read whole: its size is {@code bytes.length}. */
        void file(String name, byte[] bytes);

        /**
         * An entry that was not read or could not be read.
         *
         * @param size   its uncompressed size, -1 when the archive does not say
         * @param reason {@code <code>: <detail>}, e.g. {@code not_scored: nested archive}
         */
        void notRead(String name, long size, String reason);
    }

    /** The archive itself is damaged: the entries before the damage were handed over, the rest are lost. */
    public static final class DamagedArchiveException extends IOException {
        private static final long serialVersionUID = 1L;

        DamagedArchiveException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public static boolean isArchive(String path) {
        String p = path.toLowerCase(Locale.ROOT);
        return p.endsWith(".zip") || p.endsWith(".tar") || p.endsWith(".tar.gz") || p.endsWith(".tgz");
    }

    /**
     * The listed paths a row with this {@code path} can have come from: the path itself (a plain file, or an
     * archive's own row), and every prefix that names an archive and is followed by {@link #SEPARATOR} (the
     * archive its entry was read from). A folder named {@code cam!} is no archive, so its files are only themselves.
     */
    public static List<String> sourcesOf(String path) {
        List<String> sources = new ArrayList<>(List.of(path));
        for (int at = path.indexOf(SEPARATOR); at > 0; at = path.indexOf(SEPARATOR, at + 1)) {
            if (isArchive(path.substring(0, at))) {
                sources.add(path.substring(0, at));
            }
        }
        return sources;
    }

    /**
     * Reads every entry of the archive at {@code path} and hands it to {@code handler}.
     *
     * @param maxEntryBytes entries larger than this are handed over as not read, never buffered
     * @return how many entries were handed over (0: the archive holds no file)
     * @throws DamagedArchiveException when the archive breaks off: it says after which entry and why
     * @throws IOException             when the archive cannot be opened at all
     */
    public static int read(FileSystem fs, Path path, long maxEntryBytes, EntryHandler handler) throws IOException {
        Entries entries = new Entries(handler, maxEntryBytes);
        String name = path.getName().toLowerCase(Locale.ROOT);
        if (name.endsWith(".zip")) {
            readZip(fs, path, entries);
        } else {
            readTar(fs, path, name.endsWith(".tar"), entries);
        }
        return entries.handed;
    }

    private static void readZip(FileSystem fs, Path path, Entries entries) throws IOException {
        List<ZipArchiveEntry> all;
        ZipFile zip;
        HadoopReadChannel channel = HadoopReadChannel.open(fs, path);
        try {
            // ignoreLocalFileHeader = true: each local header is read just before its data (reading them all up
            // front would read the archive twice), and a damaged one loses only its entry
            zip = new ZipFile(channel, path.toString(), ZIP_DEFAULT_ENCODING, true, true);
            all = Collections.list(zip.getEntriesInPhysicalOrder());
        } catch (IOException e) {
            channel.close();
            readZipStream(fs, path, entries, e);
            return;
        }
        try (zip) {
            for (ZipArchiveEntry e : all) {
                if (e.isDirectory()) {
                    continue;
                }
                String name = entryName(e);
                try {
                    if (e.isUnixSymlink()) {
                        entries.notRead(name, e.getSize(), "not_scored: symbolic link to " + zip.getUnixSymlink(e));
                    } else if (entries.readable(name, e.getSize(), whyNotReadable(e, zip.canReadEntryData(e)))) {
                        try (InputStream in = zip.getInputStream(e)) {
                            entries.checked(name, e, entries.readWhole(name, e.getSize(), in));
                        }
                    }
                } catch (IOException | RuntimeException | OutOfMemoryError broken) {
                    // the central directory still says where the next entry is: only this one is lost
                    entries.notRead(name, e.getSize(), (broken instanceof ZipException ? "corrupt"
                            : broken instanceof OutOfMemoryError ? "out_of_memory" : "read_error")
                            + ": cannot read entry: " + causeOf(broken));
                }
            }
        }
    }

    /** A zip without a readable central directory, read from its start until it breaks off. */
    private static void readZipStream(FileSystem fs, Path path, Entries entries, IOException noDirectory)
            throws IOException {
        try (ZipArchiveInputStream zip = new ZipArchiveInputStream(new BufferedInputStream(fs.open(path)),
                ZIP_DEFAULT_ENCODING, true, true)) {
            try {
                // an entry written with a data descriptor ends where the stream says, which a cut-off archive
                // fakes: it is handed over once the next header shows its data whole and its CRC matches
                ReadEntry previous = null;
                ZipArchiveEntry e;
                while ((e = zip.getNextZipEntry()) != null) {
                    if (previous != null) {
                        entries.checked(previous.name(), previous.entry(), previous.bytes());
                        previous = null;
                    }
                    if (e.isDirectory()) {
                        continue;
                    }
                    String name = entryName(e);
                    if (e.isUnixSymlink()) {
                        String target = new String(zip.readNBytes(MAX_LINK_TARGET_BYTES), StandardCharsets.UTF_8);
                        entries.notRead(name, e.getSize(), "not_scored: symbolic link to " + target);
                    } else if (entries.readable(name, e.getSize(), whyNotReadable(e, zip.canReadEntryData(e)))) {
                        byte[] bytes = entries.readWhole(name, e.getSize(), zip);
                        previous = bytes == null ? null : new ReadEntry(name, e, bytes);
                    }
                }
                if (previous != null) {
                    entries.checked(previous.name(), previous.entry(), previous.bytes());
                }
            } catch (IOException e) {
                throw entries.damaged(noDirectory, zip.getBytesRead(), e);
            }
            // every local entry was read, but the archive still lacks its directory (e.g. cut off just before it)
            throw entries.damaged(noDirectory, zip.getBytesRead(), null);
        }
    }

    private static void readTar(FileSystem fs, Path path, boolean plain, Entries entries) throws IOException {
        InputStream in = new BufferedInputStream(fs.open(path));
        if (!plain) {
            try {
                in = new GzipCompressorInputStream(in, true); // true: gzip members one after another, as gunzip reads
            } catch (IOException e) {
                in.close();
                throw entries.damaged(null, 0, e);
            }
        }
        try (TarArchiveInputStream tar = new TarArchiveInputStream(in, StandardCharsets.UTF_8.name())) {
            try {
                TarArchiveEntry e;
                while ((e = tar.getNextTarEntry()) != null) {
                    if (e.isDirectory()) {
                        continue;
                    }
                    String name = e.getName();
                    String notAFile = whyNotAFile(e);
                    if (notAFile != null) {
                        entries.notRead(name, e.getSize(), notAFile);
                    } else if (entries.readable(name, e.getSize(), null)) {
                        byte[] bytes = entries.readWhole(name, e.getSize(), tar);
                        if (bytes != null) {
                            entries.file(name, bytes);
                        }
                    }
                }
                // the reader takes a header cut short for the end of the archive: a tar is whole 512-byte records
                if (tar.getBytesRead() % TarConstants.DEFAULT_RCDSIZE != 0) {
                    throw new EOFException("the archive ends inside a " + TarConstants.DEFAULT_RCDSIZE + "-byte record");
                }
            } catch (IOException e) {
                throw entries.damaged(null, tar.getBytesRead(), e);
            }
        }
    }

    /** Null for a file's content; else why the entry is none (tar's isFile() says yes to links and devices). */
    private static String whyNotAFile(TarArchiveEntry e) {
        if (e.isSymbolicLink()) {
            return "not_scored: symbolic link to " + e.getLinkName();
        }
        if (e.isLink()) {
            return "not_scored: hard link to " + e.getLinkName();
        }
        byte type = e.getLinkFlag();
        if (type == TarConstants.LF_NORMAL || type == TarConstants.LF_OLDNORM || type == TarConstants.LF_CONTIG
                || e.isSparse()) {
            return null;
        }
        if (e.isCharacterDevice() || e.isBlockDevice()) {
            return "not_scored: device entry";
        }
        if (e.isFIFO()) {
            return "not_scored: FIFO entry";
        }
        return "not_scored: tar entry of type '" + (char) type + "'";
    }

    /** Null when the entry's data can be read; else why not (only the entry is skipped, not the archive). */
    private static String whyNotReadable(ZipArchiveEntry e, boolean canRead) {
        if (canRead) {
            return null;
        }
        if (e.getGeneralPurposeBit().usesEncryption()) {
            return "not_scored: encrypted entry";
        }
        ZipMethod method = ZipMethod.getMethodByCode(e.getMethod());
        return "not_scored: compression method " + (method == null ? String.valueOf(e.getMethod()) : method.name())
                + " not supported";
    }

    /**
     * The entry's name: UTF-8 if flagged so; else the Info-ZIP Unicode path field, if it was written for these very
     * bytes; else UTF-8 if the bytes are valid UTF-8 (as some writers leave them); else code page 437.
     */
    private static String entryName(ZipArchiveEntry e) {
        byte[] raw = e.getRawName();
        if (e.getGeneralPurposeBit().usesUTF8ForNames() || raw == null) {
            return e.getName();
        }
        if (e.getExtraField(UnicodePathExtraField.UPATH_ID) instanceof UnicodePathExtraField unicode) {
            CRC32 crc = new CRC32();
            crc.update(raw);
            if (crc.getValue() == unicode.getNameCRC32()) {
                return new String(unicode.getUnicodeName(), StandardCharsets.UTF_8);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException notUtf8) {
            return e.getName();
        }
    }

    private static String causeOf(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    /** A zip entry read from a stream, not yet known to be whole. */
    private record ReadEntry(String name, ZipArchiveEntry entry, byte[] bytes) {
    }

    /** Hands entries over with names of their own, counting them, and reads each within the size limit. */
    private static final class Entries {
        private final EntryHandler handler;
        private final long maxEntryBytes;
        private final Set<String> names = new HashSet<>();
        private int handed;
        private String last;

        Entries(EntryHandler handler, long maxEntryBytes) {
            this.handler = handler;
            this.maxEntryBytes = maxEntryBytes;
        }

        /** {@code name}, or {@code name#2}, {@code name#3}, ... when an earlier entry of this archive had it. */
        private String unique(String name) {
            String unique = name;
            for (int n = 2; !names.add(unique); n++) {
                unique = name + "#" + n;
            }
            handed++;
            last = unique;
            return unique;
        }

        void notRead(String name, long size, String reason) {
            handler.notRead(unique(name), size, reason);
        }

        /** Whether the entry is to be read; if not, it was handed over with the reason. */
        boolean readable(String name, long size, String whyNot) {
            if (whyNot != null) {
                notRead(name, size, whyNot);
            } else if (isArchive(name)) {
                notRead(name, size, "not_scored: nested archive");
            } else if (size > maxEntryBytes) {
                notRead(name, size, tooLarge("of " + size + " bytes"));
            } else {
                return true;
            }
            return false;
        }

        /**
         * An entry of the given size (-1: unknown), read whole; null when its data turned out larger than the limit
         * (then it was handed over as not read, and the archive's reader skips the rest of it).
         */
        byte[] readWhole(String name, long size, InputStream in) throws IOException {
            if (size < 0) {
                byte[] bytes = in.readNBytes((int) maxEntryBytes + 1);
                if (bytes.length <= maxEntryBytes) {
                    return bytes;
                }
                notRead(name, -1, tooLarge("of more than " + maxEntryBytes + " bytes"));
                return null;
            }
            byte[] bytes = new byte[(int) size];
            int read = in.readNBytes(bytes, 0, bytes.length);
            if (read < bytes.length) {
                throw new EOFException("entry " + name + " ends after " + read + " of its " + size + " bytes");
            }
            if (in.read() >= 0) {
                throw new ZipException("entry " + name + " holds more than the " + size + " bytes it declares");
            }
            return bytes;
        }

        void file(String name, byte[] bytes) {
            handler.file(unique(name), bytes);
        }

        /** Hands a zip entry's bytes over if their CRC is the one the archive recorded (null: nothing to hand). */
        void checked(String name, ZipArchiveEntry entry, byte[] bytes) {
            if (bytes == null) {
                return;
            }
            CRC32 crc = new CRC32();
            crc.update(bytes);
            if (crc.getValue() == entry.getCrc()) {
                file(name, bytes);
            } else {
                notRead(name, bytes.length, "corrupt: the entry's data does not match its CRC");
            }
        }

        private String tooLarge(String size) {
            return "too_large: entry " + size + ", over score.max-entry-bytes = " + maxEntryBytes;
        }

        /**
         * The archive broke off after the entries handed so far.
         *
         * @param noDirectory why a zip's central directory could not be read (null for a tar)
         * @param cause       where reading stopped; null when every entry before the missing directory was read
         */
        DamagedArchiveException damaged(IOException noDirectory, long atByte, IOException cause) {
            String where = handed == 0 ? "before its first entry" : "after " + handed + " entries (last: " + last + ")";
            return new DamagedArchiveException("damaged archive: "
                    + (noDirectory == null ? "" : "no readable central directory (" + causeOf(noDirectory) + "); ")
                    + (cause == null ? (handed == 0 ? "no entry either" : "all " + handed + " entries before it were read")
                    : "broke at byte " + atByte + ", " + where + ": " + causeOf(cause)), cause);
        }
    }
}
