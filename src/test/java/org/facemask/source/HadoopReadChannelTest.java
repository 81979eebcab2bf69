package org.facemask.source;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The channel a zip's central directory is read through: every byte where it lies, however the reader jumps. */
class HadoopReadChannelTest {
    @TempDir
    Path tmp;

    @Test
    void readsEveryRangeExactlyAcrossWindowsForwardAndBackward() throws Exception {
        byte[] content = new byte[(5 << 20) / 2 + 123]; // two and a half read windows
        Random random = new Random(7);
        random.nextBytes(content);
        Path file = Files.write(tmp.resolve("a.zip"), content);
        try (HadoopReadChannel channel = HadoopReadChannel.open(FileSystem.getLocal(new Configuration()),
                new org.apache.hadoop.fs.Path(file.toUri()))) {
            assertEquals(content.length, channel.size());
            for (int i = 0; i < 300; i++) {
                long at = i % 3 == 0 ? content.length - random.nextInt(100) : random.nextInt(content.length);
                int length = random.nextInt(i % 10 == 0 ? 3 << 20 : 5000) + 1;
                channel.position(at);
                ByteBuffer read = ByteBuffer.allocate(length);
                while (read.hasRemaining() && channel.read(read) > 0) {
                    assertEquals(at + read.position(), channel.position());
                }
                int expected = (int) Math.min(length, content.length - at);
                assertEquals(expected, read.position(), "bytes at " + at);
                assertArrayEquals(Arrays.copyOfRange(content, (int) at, (int) at + expected),
                        Arrays.copyOf(read.array(), expected), "bytes at " + at);
            }
            channel.position(content.length + 10L);
            assertEquals(-1, channel.read(ByteBuffer.allocate(1)));
        }
    }

    @Test
    void aClosedChannelRefusesReads() throws Exception {
        Path file = Files.write(tmp.resolve("b.zip"), new byte[]{1, 2, 3});
        HadoopReadChannel channel = HadoopReadChannel.open(FileSystem.getLocal(new Configuration()),
                new org.apache.hadoop.fs.Path(file.toUri()));
        channel.close();
        assertThrows(ClosedChannelException.class, () -> channel.read(ByteBuffer.allocate(1)));
    }
}
