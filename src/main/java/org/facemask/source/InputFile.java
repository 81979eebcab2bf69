package org.facemask.source;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.facemask.image.RejectReason;
import org.facemask.storage.Storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;

/**
 * One entry found under the input: a regular file to read, or one the listing already rejected, which is never
 * opened (a FIFO would block its reader forever).
 *
 * @param path             full path as the file system names it (for an {@link RejectReason#UNREADABLE_NAME}, the
 *                         name's bytes %-escaped)
 * @param label            name of the class folder directly under the input; null for an entry outside any class folder
 * @param sizeBytes        length in bytes
 * @param modificationTime milliseconds since the epoch
 * @param rejection        null for a file to read; else why it is not read
 * @param detail           what the operator needs to know about the rejection; null when there is none
 */
public record InputFile(String path, String label, long sizeBytes, long modificationTime, RejectReason rejection,
                        String detail) implements Serializable {

    /** A regular file to read. */
    public InputFile(String path, String label, long sizeBytes, long modificationTime) {
        this(path, label, sizeBytes, modificationTime, null, null);
    }

    public boolean readable() {
        return rejection == null;
    }

    /** The same entry, rejected for {@code reason}. */
    public InputFile rejected(RejectReason reason, String why) {
        return new InputFile(path, label, sizeBytes, modificationTime, reason, why);
    }

    /**
     * Opens the file for reading. On local disk through the raw file system: input files carry no checksum files,
     * and the checksumming layer cannot even name the checksum file of a name with ':' (it parses ".a:b.jpg.crc"
     * as a URI and throws URISyntaxException).
     */
    public InputStream open(Configuration conf) throws IOException {
        return fileSystem(conf).open(new Path(path));
    }

    /** The whole file, read into one array of its listed size (see {@link Storage#readAll(InputStream, long)}). */
    public byte[] readAll(Configuration conf) throws IOException {
        try (InputStream in = open(conf)) {
            return Storage.readAll(in, sizeBytes);
        }
    }

    /** The file system to read the file through: on local disk the raw one, as {@link #open} explains. */
    public FileSystem fileSystem(Configuration conf) throws IOException {
        FileSystem fs = new Path(path).getFileSystem(conf);
        return fs instanceof ChecksumFileSystem checksummed ? checksummed.getRawFileSystem() : fs;
    }
}
