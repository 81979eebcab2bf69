package org.facemask.source;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.Zip64Mode;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipMethod;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.facemask.testing.StreamedZip;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Archives as real writers make them, read entry by entry: every entry handed over once, read or with a reason. */
class ArchiveEntriesTest {
    private static final long LIMIT = 2L << 20;
    @TempDir
    Path tmp;

    /** What was handed over, in order: the bytes of a file entry, or the reason an entry was not read. */
    private static final class Handed implements ArchiveEntries.EntryHandler {
        final Map<String, byte[]> files = new LinkedHashMap<>();
        final Map<String, String> notRead = new LinkedHashMap<>();
        final Map<String, Long> sizes = new LinkedHashMap<>();

        @Override
        public void file(String name, byte[] bytes) {
            assertEquals(null, files.put(name, bytes), "handed twice: " + name);
        }

        @Override
        public void notRead(String name, long size, String reason) {
            assertEquals(null, notRead.put(name, reason), "handed twice: " + name);
            sizes.put(name, size);
        }
    }

    private Handed read(String fileName, byte[] archive) throws IOException {
        Handed handed = new Handed();
        int count = ArchiveEntries.read(FileSystem.getLocal(new Configuration()), write(fileName, archive), LIMIT, handed);
        assertEquals(handed.files.size() + handed.notRead.size(), count);
        return handed;
    }

    private org.apache.hadoop.fs.Path write(String fileName, byte[] archive) throws IOException {
        Path file = tmp.resolve(fileName);
        Files.write(file, archive);
        return new org.apache.hadoop.fs.Path(file.toUri());
    }

    private static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    @Test
    void storedEntriesWithDataDescriptorsAreReadExactlyEvenWhenTheirDataHoldsZipSignatures() throws Exception {
        // what a streaming writer makes; the data of b.jpg holds the byte patterns a stream reader splits at
        byte[] a = random(5000, 1);
        byte[] b = "xxPK\u0003\u0004yyPK\u0007\u0008zzPK\u0001\u0002".getBytes(StandardCharsets.ISO_8859_1);
        byte[] c = random(1_500_000, 3); // crosses the channel's 1 MB read window
        byte[] zip = StreamedZip.write(List.of(StreamedZip.Entry.of("a.jpg", a), StreamedZip.Entry.of("day/b.jpg", b),
                StreamedZip.Entry.of("c.png", c)));
        // the original failure: the JDK's stream reader gives up at the first entry
        try (ZipInputStream jdk = new ZipInputStream(new ByteArrayInputStream(zip))) {
            assertThrows(java.util.zip.ZipException.class, () -> jdk.getNextEntry().getName().length());
        }
        Handed handed = read("streamed.zip", zip);
        assertEquals(List.of("a.jpg", "day/b.jpg", "c.png"), List.copyOf(handed.files.keySet()));
        assertArrayEquals(a, handed.files.get("a.jpg"));
        assertArrayEquals(b, handed.files.get("day/b.jpg"));
        assertArrayEquals(c, handed.files.get("c.png"));
        assertEquals(Map.of(), handed.notRead);
    }

    @Test
    void namesInCodePage437Utf8FlaggedAndUtf8UnflaggedAreAllReadRight() throws Exception {
        Charset cp437 = Charset.forName("IBM437");
        byte[] zip = StreamedZip.write(List.of(
                new StreamedZip.Entry("Grüße ½.jpg".getBytes(cp437), new byte[]{1}, 0),
                new StreamedZip.Entry("маска.jpg".getBytes(StandardCharsets.UTF_8), new byte[]{2}, StreamedZip.UTF8_NAME),
                // macOS and many Linux tools: UTF-8 bytes without the flag
                new StreamedZip.Entry("café.jpg".getBytes(StandardCharsets.UTF_8), new byte[]{3}, 0),
                StreamedZip.Entry.of("after.jpg", new byte[]{4})));
        // the original failure: the JDK reads every name as UTF-8 and stops at the CP437 one
        try (ZipInputStream jdk = new ZipInputStream(new ByteArrayInputStream(zip))) {
            assertThrows(IllegalArgumentException.class, jdk::getNextEntry);
        }
        Handed handed = read("names.zip", zip);
        assertEquals(List.of("Grüße ½.jpg", "маска.jpg", "café.jpg", "after.jpg"), List.copyOf(handed.files.keySet()));
        assertArrayEquals(new byte[]{4}, handed.files.get("after.jpg"));

        // a name code page 437 cannot spell, stored escaped (%U043C...) with its UTF-8 form in a Unicode path field
        ByteArrayOutputStream unicode = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(unicode)) {
            out.setEncoding("Cp437");
            out.setUseLanguageEncodingFlag(false);
            out.setFallbackToUTF8(false);
            out.setCreateUnicodeExtraFields(ZipArchiveOutputStream.UnicodeExtraFieldPolicy.NOT_ENCODEABLE);
            out.putArchiveEntry(new ZipArchiveEntry("маска.jpg"));
            out.write(5);
            out.closeArchiveEntry();
        }
        assertEquals(List.of("маска.jpg"), List.copyOf(read("unicode field.zip", unicode.toByteArray()).files.keySet()));
    }

    @Test
    void anEncryptedEntryAndAnUnsupportedMethodAreOneRowEachAndTheOthersAreRead() throws Exception {
        byte[] zip = StreamedZip.write(List.of(StreamedZip.Entry.of("a.jpg", new byte[]{1, 2}),
                new StreamedZip.Entry("secret.jpg".getBytes(StandardCharsets.US_ASCII), random(300, 4), StreamedZip.ENCRYPTED),
                StreamedZip.Entry.of("c.jpg", new byte[]{3})));
        Handed handed = read("encrypted.zip", zip);
        assertEquals(List.of("a.jpg", "c.jpg"), List.copyOf(handed.files.keySet()));
        assertEquals(Map.of("secret.jpg", "not_scored: encrypted entry"), handed.notRead);
        assertEquals(300L, handed.sizes.get("secret.jpg"));

        // an entry compressed with a method the reader lacks (here LZMA)
        Handed unsupported = read("lzma.zip", StreamedZip.write(List.of(StreamedZip.Entry.of("a.jpg", new byte[]{1}),
                new StreamedZip.Entry("packed.jpg".getBytes(StandardCharsets.US_ASCII), random(50, 5), 0,
                        ZipMethod.LZMA.getCode()), StreamedZip.Entry.of("c.jpg", new byte[]{3}))));
        assertEquals(List.of("a.jpg", "c.jpg"), List.copyOf(unsupported.files.keySet()));
        assertEquals(Map.of("packed.jpg", "not_scored: compression method LZMA not supported"), unsupported.notRead);
    }

    @Test
    void zip64NestedArchivesSymlinksTooLargeEntriesAndDuplicatedNames() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] big = random((int) LIMIT + 1, 5);
        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(bytes)) {
            out.setUseZip64(Zip64Mode.Always);
            for (String name : List.of("a.jpg", "inner.zip", "more.TAR.GZ", "big.png", "a.jpg", "z.jpg")) {
                out.putArchiveEntry(new ZipArchiveEntry(name));
                out.write(name.equals("big.png") ? big : name.getBytes(StandardCharsets.US_ASCII));
                out.closeArchiveEntry();
            }
            ZipArchiveEntry link = new ZipArchiveEntry("link.jpg");
            link.setUnixMode(UnixStat.LINK_FLAG | 0777);
            out.putArchiveEntry(link);
            out.write("../elsewhere/a.jpg".getBytes(StandardCharsets.UTF_8));
            out.closeArchiveEntry();
        }
        Handed handed = read("zip64.zip", bytes.toByteArray());
        assertEquals(List.of("a.jpg", "a.jpg#2", "z.jpg"), List.copyOf(handed.files.keySet()));
        assertArrayEquals("a.jpg".getBytes(StandardCharsets.US_ASCII), handed.files.get("a.jpg#2"));
        assertEquals("not_scored: nested archive", handed.notRead.get("inner.zip"));
        assertEquals("not_scored: nested archive", handed.notRead.get("more.TAR.GZ"));
        assertEquals("too_large: entry of " + big.length + " bytes, over score.max-entry-bytes = " + LIMIT,
                handed.notRead.get("big.png"));
        assertEquals((long) big.length, handed.sizes.get("big.png"));
        assertEquals("not_scored: symbolic link to ../elsewhere/a.jpg", handed.notRead.get("link.jpg"));
    }

    @Test
    void aDamagedEntryLosesOnlyItselfWhenTheDirectoryIsIntact() throws Exception {
        byte[] zip = jdkZip(3, ZipEntry.DEFLATED);
        // the second entry's deflated data starts with block type 3, which does not exist
        int name = indexOf(zip, "e1.jpg".getBytes(StandardCharsets.US_ASCII));
        int extra = (zip[name - 2] & 0xff) | (zip[name - 1] & 0xff) << 8;
        zip[name + "e1.jpg".length() + extra] = (byte) 0xff;
        Handed handed = read("one bad entry.zip", zip);
        assertEquals(List.of("e0.jpg", "e2.jpg"), List.copyOf(handed.files.keySet()));
        assertTrue(handed.notRead.get("e1.jpg").startsWith("corrupt: cannot read entry: "), handed.notRead.toString());
    }

    @Test
    void aTruncatedZipKeepsTheEntriesBeforeTheDamageAndSaysWhereItBroke() throws Exception {
        byte[] zip = jdkZip(3, ZipEntry.DEFLATED);
        int third = indexOf(zip, "e2.jpg".getBytes(StandardCharsets.US_ASCII));
        Handed handed = new Handed();
        ArchiveEntries.DamagedArchiveException damaged = assertThrows(ArchiveEntries.DamagedArchiveException.class,
                () -> ArchiveEntries.read(FileSystem.getLocal(new Configuration()),
                        write("cut.zip", Arrays.copyOf(zip, third + 100)), LIMIT, handed));
        assertEquals(List.of("e0.jpg", "e1.jpg"), List.copyOf(handed.files.keySet()));
        assertTrue(damaged.getMessage().startsWith("damaged archive: no readable central directory ("), damaged.getMessage());
        assertTrue(damaged.getMessage().contains("after 2 entries (last: e1.jpg)"), damaged.getMessage());

        // cut just before the directory: every entry is there (whole: their sizes precede them, no data
        // descriptor to wait for), the archive is still reported
        byte[] stored = jdkZip(3, ZipEntry.STORED);
        int directory = indexOf(stored, new byte[]{'P', 'K', 1, 2});
        Handed whole = new Handed();
        damaged = assertThrows(ArchiveEntries.DamagedArchiveException.class,
                () -> ArchiveEntries.read(FileSystem.getLocal(new Configuration()),
                        write("no directory.zip", Arrays.copyOf(stored, directory)), LIMIT, whole));
        assertEquals(3, whole.files.size());
        assertTrue(damaged.getMessage().endsWith("all 3 entries before it were read"), damaged.getMessage());
    }

    /**
     * A zip from the JDK's writer: entries e0.jpg ... of 3000 random bytes each, deflated (with data descriptors)
     * or stored (sizes in the local headers).
     */
    private static byte[] jdkZip(int entries, int method) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (int i = 0; i < entries; i++) {
                byte[] data = random(3000, 10 + i);
                ZipEntry e = new ZipEntry("e" + i + ".jpg");
                e.setMethod(method);
                if (method == ZipEntry.STORED) {
                    CRC32 crc = new CRC32();
                    crc.update(data);
                    e.setSize(data.length);
                    e.setCrc(crc.getValue());
                }
                out.putNextEntry(e);
                out.write(data);
            }
        }
        return bytes.toByteArray();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("not found: " + new String(needle, StandardCharsets.ISO_8859_1));
    }

    @Test
    void tarLinksDevicesDuplicatedNamesAndLargeEntriesAreNamedAndTheRestIsRead() throws Exception {
        byte[] big = random((int) LIMIT + 10, 6);
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(plain)) {
            file(tar, "cam/x.jpg", new byte[]{1});
            file(tar, "big.jpg", big);
            tar.putArchiveEntry(new TarArchiveEntry("cam/", TarConstants.LF_DIR));
            tar.closeArchiveEntry();
            file(tar, "cam/x.jpg", new byte[]{2});
            TarArchiveEntry symlink = new TarArchiveEntry("latest.jpg", TarConstants.LF_SYMLINK);
            symlink.setLinkName("cam/x.jpg");
            tar.putArchiveEntry(symlink);
            tar.closeArchiveEntry();
            TarArchiveEntry hardLink = new TarArchiveEntry("copy.jpg", TarConstants.LF_LINK);
            hardLink.setLinkName("cam/x.jpg");
            tar.putArchiveEntry(hardLink);
            tar.closeArchiveEntry();
            tar.putArchiveEntry(new TarArchiveEntry("pipe.jpg", TarConstants.LF_FIFO));
            tar.closeArchiveEntry();
            file(tar, "last.jpg", new byte[]{3});
        }
        ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(gzipped)) {
            gz.write(plain.toByteArray());
        }
        Handed handed = read("day.tar.gz", gzipped.toByteArray());
        assertEquals(handed.notRead, read("day.tar", plain.toByteArray()).notRead);
        assertEquals(List.of("cam/x.jpg", "cam/x.jpg#2", "last.jpg"), List.copyOf(handed.files.keySet()));
        assertArrayEquals(new byte[]{1}, handed.files.get("cam/x.jpg"));
        assertArrayEquals(new byte[]{2}, handed.files.get("cam/x.jpg#2"));
        assertEquals(Map.of("big.jpg", "too_large: entry of " + big.length + " bytes, over score.max-entry-bytes = " + LIMIT,
                        "latest.jpg", "not_scored: symbolic link to cam/x.jpg",
                        "copy.jpg", "not_scored: hard link to cam/x.jpg",
                        "pipe.jpg", "not_scored: FIFO entry"), handed.notRead);

        // cut inside the large entry (skipped by streaming past it), compressed or not: what came before keeps
        // its place, the archive says where it broke
        for (Map.Entry<String, byte[]> whole : Map.of("cut.tgz", gzipped.toByteArray(), "cut.tar", plain.toByteArray())
                .entrySet()) {
            byte[] cut = Arrays.copyOf(whole.getValue(), whole.getValue().length / 2);
            Handed before = new Handed();
            ArchiveEntries.DamagedArchiveException damaged = assertThrows(ArchiveEntries.DamagedArchiveException.class,
                    () -> ArchiveEntries.read(FileSystem.getLocal(new Configuration()), write(whole.getKey(), cut), LIMIT,
                            before), whole.getKey());
            assertEquals(List.of("cam/x.jpg"), List.copyOf(before.files.keySet()));
            assertEquals(List.of("big.jpg"), List.copyOf(before.notRead.keySet()));
            assertTrue(damaged.getMessage().startsWith("damaged archive: broke at byte "), damaged.getMessage());
            assertTrue(damaged.getMessage().contains("after 2 entries (last: big.jpg)"), damaged.getMessage());
        }
        // cut inside a header: the entries before it are whole
        int lastHeader = indexOf(plain.toByteArray(), "last.jpg".getBytes(StandardCharsets.US_ASCII));
        Handed beforeHeader = new Handed();
        assertThrows(ArchiveEntries.DamagedArchiveException.class, () -> ArchiveEntries.read(FileSystem.getLocal(
                new Configuration()), write("cut header.tar", Arrays.copyOf(plain.toByteArray(), lastHeader + 100)),
                LIMIT, beforeHeader));
        assertEquals(List.of("cam/x.jpg", "cam/x.jpg#2"), List.copyOf(beforeHeader.files.keySet()));
    }

    private static void file(TarArchiveOutputStream tar, String name, byte[] data) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(data.length);
        tar.putArchiveEntry(e);
        tar.write(data);
        tar.closeArchiveEntry();
    }

    @Test
    void anArchiveWithoutFilesHandsNothingOverAndAFileThatIsNoArchiveIsDamaged() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            out.putNextEntry(new ZipEntry("only a folder/"));
        }
        assertEquals(0, read("folders.zip", bytes.toByteArray()).files.size());
        for (String name : List.of("notes.zip", "notes.tar.gz", "notes.tgz", "empty.zip")) {
            byte[] content = name.startsWith("empty") ? new byte[0] : "not an archive at all".getBytes(StandardCharsets.US_ASCII);
            ArchiveEntries.DamagedArchiveException damaged = assertThrows(ArchiveEntries.DamagedArchiveException.class,
                    () -> read(name, content), name);
            assertTrue(damaged.getMessage().startsWith("damaged archive: "), damaged.getMessage());
            assertTrue(damaged.getMessage().contains(name.endsWith(".zip") ? "no readable central directory"
                    : "before its first entry"), damaged.getMessage());
        }
    }

    @Test
    void aRowComesFromItsOwnPathOrFromAnArchiveBeforeTheSeparator() {
        assertEquals(List.of("/d/cam!/x.jpg"), ArchiveEntries.sourcesOf("/d/cam!/x.jpg"));
        assertEquals(List.of("/d/a.tar!/x.jpg#2", "/d/a.tar"), ArchiveEntries.sourcesOf("/d/a.tar!/x.jpg#2"));
        assertEquals(List.of("s3a://b/old.zip!/day.TGZ!/x.jpg", "s3a://b/old.zip", "s3a://b/old.zip!/day.TGZ"),
                ArchiveEntries.sourcesOf("s3a://b/old.zip!/day.TGZ!/x.jpg"));
    }
}
