package org.facemask.storage;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class StorageTest {
    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    /** The listing's size is only a hint: a file that shrank or grew since it was listed is still read as it is now. */
    @Test
    void readsTheWholeStreamWhateverTheListedSize() throws IOException {
        byte[] file = bytes(70_000);
        for (long listed : new long[]{70_000, 10, 69_999, 70_001, 1_000_000, 0, -1}) {
            assertArrayEquals(file, Storage.readAll(new ByteArrayInputStream(file), listed), "listed as " + listed);
        }
        assertArrayEquals(new byte[0], Storage.readAll(new ByteArrayInputStream(new byte[0]), 5));
    }
}
