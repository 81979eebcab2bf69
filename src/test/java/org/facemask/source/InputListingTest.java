package org.facemask.source;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.facemask.image.RejectReason;
import org.facemask.testing.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The listing on local disk, without Spark: what each odd entry becomes, and how its path is spelt. */
class InputListingTest {
    @TempDir
    Path tmp;

    private static FileSystem local() throws Exception {
        return FileSystem.get(new java.net.URI("file:///"), new Configuration());
    }

    /** Entry path relative to {@code root} -> reason code, "" for a file to read. */
    private static Map<String, String> outcome(List<InputFile> files, Path root) {
        Map<String, String> out = new TreeMap<>();
        String prefix = "file:" + root + "/";
        for (InputFile f : files) {
            assertEquals(prefix, f.path().substring(0, prefix.length()), f.path());
            out.put(f.path().substring(prefix.length()), f.readable() ? "" : f.rejection().code());
        }
        return out;
    }

    @Test
    void everyEntryIsListedOnceWithItsReason() throws Exception {
        Path root = tmp.resolve("in put");
        Files.createDirectories(root.resolve("a/deep/er"));
        Files.createDirectories(root.resolve("b"));
        Files.writeString(root.resolve("a/x:1 %41#?.jpg"), "x");
        Files.writeString(root.resolve("b/y.jpg"), "y");
        Files.writeString(root.resolve("top.jpg"), "t");
        Files.createSymbolicLink(root.resolve("a/deep/er/to-root"), root); // to the input itself: a loop
        Files.createSymbolicLink(root.resolve("b/outside"), Files.createDirectories(tmp.resolve("elsewhere")));
        Files.writeString(tmp.resolve("elsewhere/z.jpg"), "z"); // a link out of the input is followed
        Files.createDirectories(root.resolve(".ipynb_checkpoints"));
        Files.writeString(root.resolve(".ipynb_checkpoints/c.jpg"), "c");
        Files.writeString(root.resolve("b/._y.jpg"), "apple double");
        Shell.run("mkdir \"$(printf '%s/\\377dir' \"$1\")\" && mkfifo \"$1/b/sock.jpg\"", root.toString());

        InputListing listing = InputListing.list(local(), new org.apache.hadoop.fs.Path(root.toUri()), 2);
        assertEquals(Map.of(
                "a/x:1 %41#?.jpg", "",
                "a/deep/er/to-root", "symlink_loop",
                "b/y.jpg", "",
                "b/outside/z.jpg", "",
                "b/._y.jpg", "hidden",
                "b/sock.jpg", "not_a_regular_file",
                ".ipynb_checkpoints", "hidden",
                "%FFdir", "unreadable_name",
                "top.jpg", ""), outcome(listing.files(), root));
        assertEquals(List.of("a", "b"), listing.classes());
        assertEquals(Map.of("hidden", 2L, "not_a_regular_file", 1L, "symlink_loop", 1L, "unreadable_name", 1L,
                "no_class_folder", 1L), listing.rejectsByReason());
        assertNull(listing.files().stream().filter(f -> f.path().endsWith("top.jpg")).findFirst().orElseThrow().label());

        // a name with ':' is read: the checksumming local file system cannot even name its checksum file
        InputFile colon = listing.toDecode().stream().filter(f -> f.path().contains(":1")).findFirst().orElseThrow();
        try (InputStream in = colon.open(new Configuration())) {
            assertEquals("x", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        InputFile fifo = listing.files().stream().filter(f -> f.path().endsWith("sock.jpg")).findFirst().orElseThrow();
        assertEquals(RejectReason.NOT_A_REGULAR_FILE, fifo.rejection());
        assertEquals("FIFO (named pipe): never opened", fifo.detail());
    }

    /** HDFS and object stores are listed through Hadoop's FileSystem: dot-entries are hidden there too. */
    @Test
    void aHadoopListingHidesDotEntriesAndKeepsTheRest() throws Exception {
        Path root = tmp.resolve("remote");
        Files.createDirectories(root.resolve("a/sub"));
        Files.createDirectories(root.resolve("b/.cache"));
        Files.createDirectories(root.resolve(".ipynb_checkpoints"));
        Files.writeString(root.resolve("a/sub/x.jpg"), "x");
        Files.writeString(root.resolve("b/y.jpg"), "y");
        Files.writeString(root.resolve("b/.cache/z.jpg"), "z");
        Files.writeString(root.resolve("b/.DS_Store"), "d");
        Files.writeString(root.resolve(".ipynb_checkpoints/c.jpg"), "c");
        Files.writeString(root.resolve("top.jpg"), "t");
        // the local file system under another scheme name takes the path every non-local file system takes
        FileSystem notLocal = new org.apache.hadoop.fs.FilterFileSystem(local()) {
            @Override
            public String getScheme() {
                return "remote";
            }
        };
        InputListing listing = InputListing.list(notLocal, new org.apache.hadoop.fs.Path(root.toUri()), 2);
        assertEquals(Map.of("a/sub/x.jpg", "", "b/y.jpg", "", "b/.cache", "hidden", "b/.DS_Store", "hidden",
                ".ipynb_checkpoints", "hidden", "top.jpg", ""), outcome(listing.files(), root));
        assertEquals(List.of("a", "b"), listing.classes());
        assertEquals(Map.of("hidden", 3L, "no_class_folder", 1L), listing.rejectsByReason());
    }

    @Test
    void aRootTheUserNamedIsNeverHidden() throws Exception {
        Path hiddenRoot = Files.createDirectories(tmp.resolve(".cam"));
        Files.writeString(hiddenRoot.resolve("a.jpg"), "a");
        Files.writeString(hiddenRoot.resolve(".b.jpg"), "b");
        List<InputFile> files = InputListing.filesUnder(local(), new org.apache.hadoop.fs.Path(hiddenRoot.toUri()));
        assertEquals(Map.of("a.jpg", "", ".b.jpg", "hidden"), outcome(files, hiddenRoot));
        assertNull(files.get(0).label());
    }

    /** Two links to one folder, nested links doubling at each level: every file is listed once, not 2^k times. */
    @Test
    void aFolderReachedThroughSeveralLinksIsListedOnce() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("linked"));
        Path shared = Files.createDirectories(root.resolve("cam/b"));
        Files.write(shared.resolve("x.jpg"), new byte[]{1});
        Files.createSymbolicLink(root.resolve("cam/l1"), shared);
        Files.createSymbolicLink(root.resolve("cam/l2"), shared);
        List<InputFile> files = InputListing.filesUnder(local(), new org.apache.hadoop.fs.Path(root.toUri()));
        assertEquals(1, files.stream().filter(InputFile::readable).count(), files.toString());
        assertEquals(2, files.stream().filter(f -> f.rejection() == RejectReason.SYMLINK_LOOP).count(), files.toString());
    }
}
