package org.facemask.source;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.facemask.image.RejectReason;
import org.facemask.storage.Location;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The files a scoring run reads: a folder (recursively), a single file, or every match of a glob. Hidden entries
 * (names starting with '.') are left out and counted in the log; every other entry the listing rejected (a FIFO,
 * a symbolic-link loop, a name that is not UTF-8) stays in the list with its {@link InputFile#rejection()}, to be
 * an error row that is never opened.
 */
public final class ScoreInputs {
    private static final Logger LOG = LoggerFactory.getLogger(ScoreInputs.class);

    private ScoreInputs() {
    }

    /** Whether the location is a Hadoop glob pattern (*, ?, [...], {...}) rather than one file or folder. */
    public static boolean isGlob(URI input) {
        return input.getPath().matches(".*[*?\\[{].*");
    }

    public static List<InputFile> list(FileSystem fs, URI input) {
        try {
            List<InputFile> listed = new ArrayList<>();
            if (isGlob(input) && "file".equals(fs.getScheme())) {
                listed.addAll(localGlob(fs, input));
            } else if (isGlob(input)) {
                FileStatus[] matches = fs.globStatus(new Path(input));
                for (FileStatus match : matches == null ? new FileStatus[0] : matches) {
                    listed.addAll(InputListing.filesUnder(fs, match.getPath()));
                }
            } else {
                listed.addAll(InputListing.filesUnder(fs, new Path(input)));
            }
            List<InputFile> files = new ArrayList<>();
            long hidden = 0;
            for (InputFile file : listed) {
                if (file.rejection() == RejectReason.HIDDEN) {
                    hidden++;
                } else {
                    files.add(file);
                }
            }
            files.sort(Comparator.comparing(InputFile::path));
            long rejected = files.stream().filter(f -> !f.readable()).count();
            if (hidden > 0 || rejected > 0) {
                LOG.info("listing of {}: {} hidden entries (names starting with '.') not scored; {} entries that "
                        + "cannot be read (FIFOs, devices, symbolic-link loops, names not in UTF-8) become error rows",
                        input, hidden, rejected);
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + input + ": " + e.getMessage(), e);
        }
    }

    /**
     * A glob on local disk: the folder before the first glob character walked as any input folder is (so names with
     * ':' or not in UTF-8 are listed as they are: Hadoop's globber fails on the first and drops the second), keeping
     * what the pattern matches and everything under a matching folder.
     */
    private static List<InputFile> localGlob(FileSystem fs, URI input) throws IOException {
        String pattern = input.getPath();
        java.nio.file.Path fixed = java.nio.file.Path.of(Location.fixedPrefix(pattern));
        if (!java.nio.file.Files.isDirectory(fixed)) {
            return List.of();
        }
        java.nio.file.PathMatcher matcher = java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        List<InputFile> out = new ArrayList<>();
        for (InputFile f : InputListing.filesUnder(fs, new Path(fixed.toUri()))) {
            // the entry, or a folder it sits in, below the fixed part
            for (java.nio.file.Path p = java.nio.file.Path.of(new Path(f.path()).toUri().getPath());
                 p != null && p.startsWith(fixed) && !p.equals(fixed); p = p.getParent()) {
                if (matcher.matches(p)) {
                    out.add(f);
                    break;
                }
            }
        }
        return out;
    }
}
