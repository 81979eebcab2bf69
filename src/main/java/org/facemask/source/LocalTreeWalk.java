package org.facemask.source;

import org.facemask.image.RejectReason;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * Every entry under a folder on local disk, walked with java.nio rather than Hadoop's local file system, which
 * silently drops names that are not valid in the JVM's file name encoding (its java.io listing turns their bytes into U+FFFD, finds no such
 * file and skips it) and calls a FIFO a file. Here:
 * <ul>
 *   <li>symbolic links are followed, and a link to a folder that contains it is a {@link RejectReason#SYMLINK_LOOP}
 *       entry, not another copy of the tree (the JDK compares the folders' file keys);</li>
 *   <li>FIFOs, sockets, devices and broken links are {@link RejectReason#NOT_A_REGULAR_FILE}, never opened;</li>
 *   <li>a name starting with '.' is one {@link RejectReason#HIDDEN} entry (a hidden folder is not entered);</li>
 *   <li>a name whose bytes are not valid in the JVM's file name encoding (UTF-8 under a UTF-8 locale) is one
 *       {@link RejectReason#UNREADABLE_NAME} entry, its bytes %-escaped (a path string cannot address it, and
 *       tasks open files by path string);</li>
 *   <li>a folder that cannot be listed is a {@link RejectReason#READ_ERROR} entry.</li>
 * </ul>
 */
final class LocalTreeWalk extends SimpleFileVisitor<Path> {
    private final Path root;
    private final boolean classFolders;
    private final List<InputFile> entries = new ArrayList<>();
    /** Folders listed so far, by file key (device and inode): a folder reached again through a link is not re-listed. */
    private final java.util.Set<Object> listedFolders = new java.util.HashSet<>();

    private LocalTreeWalk(Path root, boolean classFolders) {
        this.root = root;
        this.classFolders = classFolders;
    }

    /**
     * @param root         a folder, or a single file
     * @param classFolders whether the first folder level under {@code root} names each entry's class
     */
    static List<InputFile> walk(Path root, boolean classFolders) throws IOException {
        LocalTreeWalk walk = new LocalTreeWalk(root, classFolders);
        Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, walk);
        return walk.entries;
    }

    @Override
    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        boolean firstVisit = attrs.fileKey() == null || listedFolders.add(attrs.fileKey());
        if (dir.equals(root)) {
            return FileVisitResult.CONTINUE;
        }
        if (!firstVisit) { // two links to one folder (a/l -> ../b): b's files once, not once per path
            entries.add(entry(dir, attrs).rejected(RejectReason.SYMLINK_LOOP, "the folder " + target(dir)
                    + ", listed already through another path (symbolic links): listed once, not again here"));
            return FileVisitResult.SKIP_SUBTREE;
        }
        RejectReason unusable = unusableName(dir);
        if (unusable != null) {
            entries.add(entry(dir, attrs).rejected(unusable, nameProblem(unusable, dir, true)));
            return FileVisitResult.SKIP_SUBTREE;
        }
        return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        InputFile entry = entry(file, attrs);
        RejectReason unusable = file.equals(root) ? null : unusableName(file);
        if (unusable != null) {
            entries.add(entry.rejected(unusable, nameProblem(unusable, file, false)));
        } else if (attrs.isRegularFile()) {
            entries.add(entry);
        } else {
            entries.add(entry.rejected(RejectReason.NOT_A_REGULAR_FILE, kind(file, attrs) + ": never opened"));
        }
        return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFileFailed(Path file, IOException e) {
        InputFile entry = entry(file, null);
        if (e instanceof FileSystemLoopException) {
            entries.add(entry.rejected(RejectReason.SYMLINK_LOOP, "symbolic link to " + target(file)
                    + ", a folder that contains it: listed once, not again through the link"));
        } else {
            entries.add(entry.rejected(RejectReason.READ_ERROR, "cannot list: " + e));
        }
        return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult postVisitDirectory(Path dir, IOException e) {
        if (e != null) { // the folder's listing broke off: what was listed stays, the folder is named
            entries.add(entry(dir, null).rejected(RejectReason.READ_ERROR, "cannot list the whole folder: " + e));
        }
        return FileVisitResult.CONTINUE;
    }

    private InputFile entry(Path file, BasicFileAttributes attrs) {
        String label = null;
        if (classFolders && file.getNameCount() > root.getNameCount() + 1) {
            label = file.getName(root.getNameCount()).toString();
        }
        return new InputFile(pathString(file), label, attrs == null ? 0 : attrs.size(),
                attrs == null ? 0 : attrs.lastModifiedTime().toMillis());
    }

    /** @return HIDDEN, UNREADABLE_NAME, or null for a name that can be read */
    private static RejectReason unusableName(Path file) {
        if (!isAddressable(file)) {
            return RejectReason.UNREADABLE_NAME;
        }
        return file.getFileName().toString().startsWith(".") ? RejectReason.HIDDEN : null;
    }

    private static String nameProblem(RejectReason reason, Path file, boolean folder) {
        return reason == RejectReason.HIDDEN ? InputListing.hidden(folder)
                : (folder ? "folder" : "file") + " name " + rawName(file) + " (bytes %-escaped) is not valid in "
                + "this JVM's file name encoding (sun.jnu.encoding=" + System.getProperty("sun.jnu.encoding")
                + "), so it cannot be opened by name: rename it, or run with a UTF-8 locale (LANG=C.UTF-8)";
    }

    /**
     * Whether the name, as a string, leads back to this file: a name whose bytes are not valid UTF-8 decodes to
     * U+FFFD, which encodes to other bytes.
     */
    private static boolean isAddressable(Path file) {
        return Path.of(file.toString()).equals(file);
    }

    /**
     * The Hadoop path string of a file ("file:/in put/a:b.jpg"), built from scheme and path: a Hadoop Path built
     * from a parent and a name string would take the part of "a:b.jpg" before ':' for a URI scheme. A name that is
     * not UTF-8 gets its bytes %-escaped instead.
     */
    private static String pathString(Path file) {
        if (isAddressable(file)) {
            return new org.apache.hadoop.fs.Path("file", null, file.toString()).toString();
        }
        return pathString(file.getParent()) + "/" + rawName(file);
    }

    /** The last name of the path with every byte outside printable ASCII %-escaped, as its file: URI has it. */
    private static String rawName(Path file) {
        String raw = file.toUri().getRawPath();
        if (raw.endsWith("/")) {
            raw = raw.substring(0, raw.length() - 1);
        }
        return raw.substring(raw.lastIndexOf('/') + 1);
    }

    private static String target(Path link) {
        try {
            return link.toRealPath().toString();
        } catch (IOException e) {
            return "an unreachable folder (" + e.getMessage() + ")";
        }
    }

    private static String kind(Path file, BasicFileAttributes attrs) {
        if (attrs.isSymbolicLink()) {
            return "broken symbolic link";
        }
        try {
            int type = (Integer) Files.getAttribute(file, "unix:mode") & 0170000;
            return switch (type) {
                case 0010000 -> "FIFO (named pipe)";
                case 0140000 -> "socket";
                case 0020000 -> "character device";
                case 0060000 -> "block device";
                default -> "special file";
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "special file";
        }
    }
}
