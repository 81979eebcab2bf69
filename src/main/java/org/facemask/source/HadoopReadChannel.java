package org.facemask.source;

import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * A read-only {@link SeekableByteChannel} over a file of any Hadoop file system, by positioned reads, so that a zip
 * can be read through its central directory where it lies (HDFS, s3a, local disk alike). Reads go through a 1 MB
 * window: a zip reader asks for a few bytes at a time, and on s3a every positioned read is a request.
 */
final class HadoopReadChannel implements SeekableByteChannel {
    private static final int WINDOW_BYTES = 1 << 20;
    private final FSDataInputStream in;
    private final long size;
    private final byte[] window;
    private long windowStart;
    private int windowLength;
    private long position;
    private boolean open = true;

    private HadoopReadChannel(FSDataInputStream in, long size) {
        this.in = in;
        this.size = size;
        this.window = new byte[(int) Math.min(WINDOW_BYTES, Math.max(size, 1))];
    }

    static HadoopReadChannel open(FileSystem fs, Path path) throws IOException {
        long size = fs.getFileStatus(path).getLen();
        return new HadoopReadChannel(fs.open(path), size);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        ensureOpen();
        if (position >= size) {
            return -1;
        }
        if (position < windowStart || position >= windowStart + windowLength) {
            windowStart = position;
            windowLength = (int) Math.min(window.length, size - position);
            in.readFully(position, window, 0, windowLength);
        }
        int n = (int) Math.min(dst.remaining(), windowStart + windowLength - position);
        dst.put(window, (int) (position - windowStart), n);
        position += n;
        return n;
    }

    @Override
    public long position() throws IOException {
        ensureOpen();
        return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
        ensureOpen();
        if (newPosition < 0) {
            throw new IllegalArgumentException("negative position " + newPosition);
        }
        position = newPosition;
        return this;
    }

    @Override
    public long size() throws IOException {
        ensureOpen();
        return size;
    }

    @Override
    public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public SeekableByteChannel truncate(long newSize) {
        throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() throws IOException {
        if (open) {
            open = false;
            in.close();
        }
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }
}
