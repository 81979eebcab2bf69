package org.facemask.score;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.facemask.prepare.InputFile;
import org.facemask.prepare.InputListing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The files a scoring run reads: a folder (recursively), a single file, or every match of a glob. */
public final class ScoreInputs {
    private ScoreInputs() {
    }

    /** Whether the location is a Hadoop glob pattern (*, ?, [...], {...}) rather than one file or folder. */
    public static boolean isGlob(URI input) {
        return input.getPath().matches(".*[*?\\[{].*");
    }

    static List<InputFile> list(FileSystem fs, URI input) {
        try {
            List<FileStatus> roots = new ArrayList<>();
            if (isGlob(input)) {
                FileStatus[] matches = fs.globStatus(new Path(input));
                if (matches != null) {
                    roots.addAll(List.of(matches));
                }
            } else {
                roots.add(fs.getFileStatus(new Path(input)));
            }
            List<InputFile> files = new ArrayList<>();
            for (FileStatus root : roots) {
                if (root.isDirectory()) {
                    files.addAll(InputListing.filesUnder(fs, root.getPath()));
                } else {
                    files.add(InputListing.fileOf(root));
                }
            }
            files.sort(Comparator.comparing(InputFile::path));
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + input + ": " + e.getMessage(), e);
        }
    }
}
