package org.facemask.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Zips as streaming writers make them (Go's archive/zip, Python's zipfile on a pipe): every entry STORED, its CRC and
 * sizes in a data descriptor after the data, the local header saying zero. Neither java.util.zip nor Commons
 * Compress writes these, and java.util.zip.ZipInputStream cannot read them, so the bytes are laid out here.
 */
public final class StreamedZip {
    /** General purpose bit 0: the entry is encrypted. */
    public static final int ENCRYPTED = 0x1;
    /** General purpose bit 11: the name is UTF-8 (else the standard says code page 437). */
    public static final int UTF8_NAME = 0x800;
    private static final int DATA_DESCRIPTOR = 0x8;

    private StreamedZip() {
    }

    /**
     * @param name   the name's bytes as stored (any encoding)
     * @param flags  more general purpose bits
     * @param method the compression method the headers name (0: STORED; the data is written as it is)
     */
    public record Entry(byte[] name, byte[] data, int flags, int method) {
        public Entry(byte[] name, byte[] data, int flags) {
            this(name, data, flags, 0);
        }

        public static Entry of(String asciiName, byte[] data) {
            return new Entry(asciiName.getBytes(StandardCharsets.US_ASCII), data, 0);
        }
    }

    public static byte[] write(List<Entry> entries) {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        ByteArrayOutputStream directory = new ByteArrayOutputStream();
        for (Entry e : entries) {
            CRC32 crc = new CRC32();
            crc.update(e.data());
            int offset = zip.size();
            int flags = e.flags() | DATA_DESCRIPTOR;
            int[] local = {0x04034b50, 20, flags, e.method(), 0, 0, 0, 0, e.name().length, 0};
            int[] widths = {4, 2, 2, 2, 4, 4, 4, 4, 2, 2};
            put(zip, local, widths);
            zip.writeBytes(e.name());
            zip.writeBytes(e.data());
            put(zip, new int[]{0x08074b50, (int) crc.getValue(), e.data().length, e.data().length}, new int[]{4, 4, 4, 4});
            put(directory, new int[]{0x02014b50, 20, 20, flags, e.method(), 0, (int) crc.getValue(), e.data().length,
                    e.data().length, e.name().length, 0, 0, 0, 0, 0, offset}, new int[]{4, 2, 2, 2, 2, 4, 4, 4, 4, 2, 2, 2, 2, 2, 4, 4});
            directory.writeBytes(e.name());
        }
        int directoryOffset = zip.size();
        zip.writeBytes(directory.toByteArray());
        put(zip, new int[]{0x06054b50, 0, 0, entries.size(), entries.size(), directory.size(), directoryOffset, 0},
                new int[]{4, 2, 2, 2, 2, 4, 4, 2});
        return zip.toByteArray();
    }

    /** Little-endian fields of the given byte widths. */
    private static void put(ByteArrayOutputStream out, int[] values, int[] widths) {
        for (int i = 0; i < values.length; i++) {
            for (int b = 0; b < widths[i]; b++) {
                out.write(values[i] >>> (8 * b));
            }
        }
    }
}
