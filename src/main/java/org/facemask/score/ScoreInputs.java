package org.facemask.score;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.facemask.image.RejectReason;
import org.facemask.prepare.InputFile;
import org.facemask.prepare.InputListing;
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

    static List<InputFile> list(FileSystem fs, URI input) {
        try {
            List<Path> roots = new ArrayList<>();
            if (isGlob(input)) {
                FileStatus[] matches = fs.globStatus(new Path(input));
                if (matches != null) {
                    for (FileStatus match : matches) {
                        roots.add(match.getPath());
                    }
                }
            } else {
                roots.add(new Path(input));
            }
            List<InputFile> files = new ArrayList<>();
            long hidden = 0;
            for (Path root : roots) {
                for (InputFile file : InputListing.filesUnder(fs, root)) {
                    if (file.rejection() == RejectReason.HIDDEN) {
                        hidden++;
                    } else {
                        files.add(file);
                    }
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
}
