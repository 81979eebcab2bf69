package org.facemask.source;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.facemask.image.RejectReason;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Every entry under a folder-per-class input. Nothing is dropped: a file that cannot or must not be read (hidden,
 * FIFO, symbolic-link loop, a name that is not UTF-8) is an entry with its {@link InputFile#rejection()}, so each
 * one is accounted for downstream and none is ever opened. On local disk the tree is walked with java.nio
 * ({@link LocalTreeWalk}); on other file systems through Hadoop's FileSystem, class folders listed concurrently (an
 * object store answers one listing call at a time, slowly).
 *
 * @param files   all entries, sorted by path
 * @param classes names of the class folders that hold at least one readable file, sorted: the ordered class list
 */
public record InputListing(List<InputFile> files, List<String> classes) {

    public static InputListing list(FileSystem fs, Path root, int threads) {
        List<InputFile> files;
        try {
            files = new ArrayList<>(isLocal(fs) ? LocalTreeWalk.walk(localPath(fs, root), true)
                    : listClassFolders(fs, root, threads));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list input " + root + ": " + e.getMessage(), e);
        }
        files.sort(Comparator.comparing(InputFile::path));
        TreeSet<String> classes = new TreeSet<>();
        files.stream().filter(f -> f.readable() && f.label() != null).forEach(f -> classes.add(f.label()));
        return new InputListing(List.copyOf(files), List.copyOf(classes));
    }

    /** Every entry under {@code root} (a folder, or a single file), unlabelled, sorted by path. */
    public static List<InputFile> filesUnder(FileSystem fs, Path root) throws IOException {
        List<InputFile> files = new ArrayList<>();
        if (isLocal(fs)) {
            files.addAll(LocalTreeWalk.walk(localPath(fs, root), false));
        } else {
            FileStatus status = fs.getFileStatus(root);
            files.addAll(status.isDirectory() ? listRecursively(fs, root, null) : List.of(fileEntry(status, null)));
        }
        files.sort(Comparator.comparing(InputFile::path));
        return files;
    }

    /** The readable files in class folders: what is decoded. */
    public List<InputFile> toDecode() {
        return files.stream().filter(f -> f.readable() && f.label() != null).toList();
    }

    /** Every entry rejected before any is read: the listing's own rejections, and readable files outside any class folder. */
    public List<InputFile> rejects() {
        return files.stream().filter(f -> !f.readable() || f.label() == null)
                .map(f -> f.readable() ? f.rejected(RejectReason.NO_CLASS_FOLDER,
                        "file is directly in the input folder; put images in one folder per class") : f)
                .toList();
    }

    /** Entries rejected before any is read, per reason code. */
    public Map<String, Long> rejectsByReason() {
        Map<String, Long> counts = new TreeMap<>();
        rejects().forEach(f -> counts.merge(f.rejection().code(), 1L, Long::sum));
        return counts;
    }

    private static boolean isLocal(FileSystem fs) {
        return "file".equals(fs.getScheme());
    }

    private static java.nio.file.Path localPath(FileSystem fs, Path root) {
        return java.nio.file.Path.of(fs.makeQualified(root).toUri());
    }

    private static List<InputFile> listClassFolders(FileSystem fs, Path root, int threads) throws IOException {
        FileStatus[] top = fs.listStatus(root);
        Arrays.sort(top, Comparator.comparing(s -> s.getPath().getName()));
        List<InputFile> files = new ArrayList<>();
        List<FileStatus> classDirs = new ArrayList<>();
        for (FileStatus status : top) {
            if (status.isDirectory() && !isHidden(status)) {
                classDirs.add(status);
            } else {
                files.add(toInputFile(status, null));
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, classDirs.size())));
        try {
            List<Future<List<InputFile>>> listings = new ArrayList<>();
            for (FileStatus dir : classDirs) {
                listings.add(pool.submit(() -> listRecursively(fs, dir.getPath(), dir.getPath().getName())));
            }
            for (Future<List<InputFile>> listing : listings) {
                files.addAll(listing.get());
            }
            return files;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing " + root, e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A walk with listStatus rather than {@code listFiles(dir, true)}: object stores answer a per-folder listing in
     * one paged call, so the walk costs one call per sub-folder there.
     */
    private static List<InputFile> listRecursively(FileSystem fs, Path dir, String label) throws IOException {
        List<InputFile> out = new ArrayList<>();
        RemoteIterator<FileStatus> it = fs.listStatusIterator(dir);
        while (it.hasNext()) {
            FileStatus status = it.next();
            if (status.isDirectory() && !isHidden(status)) {
                out.addAll(listRecursively(fs, status.getPath(), label));
            } else {
                out.add(toInputFile(status, label));
            }
        }
        return out;
    }

    private static boolean isHidden(FileStatus status) {
        return status.getPath().getName().startsWith(".");
    }

    /** An entry found in a folder: hidden when its name says so. */
    private static InputFile toInputFile(FileStatus status, String label) {
        return isHidden(status) ? fileEntry(status, label).rejected(RejectReason.HIDDEN, hidden(status.isDirectory()))
                : fileEntry(status, label);
    }

    /** An entry as it is, whatever its name: a root the user named is never hidden. */
    private static InputFile fileEntry(FileStatus status, String label) {
        InputFile file = new InputFile(status.getPath().toString(), label, status.getLen(), status.getModificationTime());
        return status.isFile() ? file
                : file.rejected(RejectReason.NOT_A_REGULAR_FILE, "neither a file nor a folder: never opened");
    }

    /** The detail of a {@link RejectReason#HIDDEN} entry. */
    static String hidden(boolean folder) {
        return "hidden " + (folder ? "folder" : "file") + " (name starts with '.'): not read";
    }
}
