package org.facemask.prepare;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Every file under a folder-per-class input, found through Hadoop's FileSystem. Class folders are listed
 * recursively and concurrently (an object store answers one listing call at a time, slowly). Nothing is filtered:
 * hidden files and stray files included, so each one is accounted for downstream.
 *
 * @param files   all files, sorted by path
 * @param classes names of the class folders that hold at least one file, sorted: the ordered class list
 */
public record InputListing(List<InputFile> files, List<String> classes) {

    public static InputListing list(FileSystem fs, Path root, int threads) {
        FileStatus[] top;
        try {
            top = fs.listStatus(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list input " + root + ": " + e.getMessage(), e);
        }
        Arrays.sort(top, Comparator.comparing(s -> s.getPath().getName()));
        List<InputFile> files = new ArrayList<>();
        List<FileStatus> classDirs = new ArrayList<>();
        for (FileStatus status : top) {
            if (status.isDirectory()) {
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
            List<String> classes = new ArrayList<>();
            for (int i = 0; i < classDirs.size(); i++) {
                List<InputFile> inClass = listings.get(i).get();
                if (!inClass.isEmpty()) {
                    classes.add(classDirs.get(i).getPath().getName());
                }
                files.addAll(inClass);
            }
            files.sort(Comparator.comparing(InputFile::path));
            return new InputListing(List.copyOf(files), List.copyOf(classes));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing " + root, e);
        } catch (ExecutionException e) {
            throw new UncheckedIOException("cannot list input " + root + ": " + e.getCause().getMessage(),
                    e.getCause() instanceof IOException io ? io : new IOException(e.getCause()));
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A walk with listStatus rather than {@code listFiles(dir, true)}: on the local file system the latter builds a
     * LocatedFileStatus per file, which forks a shell to read its permissions (2 ms a file); object stores answer
     * a per-folder listing in one paged call, so the walk costs one call per sub-folder there.
     */
    /** Every file under {@code dir}, recursively, unlabelled. */
    public static List<InputFile> filesUnder(FileSystem fs, Path dir) throws IOException {
        return listRecursively(fs, dir, null);
    }

    public static InputFile fileOf(FileStatus status) {
        return toInputFile(status, null);
    }

    private static List<InputFile> listRecursively(FileSystem fs, Path dir, String label) throws IOException {
        List<InputFile> out = new ArrayList<>();
        RemoteIterator<FileStatus> it = fs.listStatusIterator(dir);
        while (it.hasNext()) {
            FileStatus status = it.next();
            if (status.isDirectory()) {
                out.addAll(listRecursively(fs, status.getPath(), label));
            } else {
                out.add(toInputFile(status, label));
            }
        }
        return out;
    }

    private static InputFile toInputFile(FileStatus status, String label) {
        return new InputFile(status.getPath().toString(), label, status.getLen(), status.getModificationTime());
    }
}
