package org.facemask.storage;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.facemask.config.ConfigError;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A configured location and the key that named it, compared as a folder rather than as text: the URIs come from
 * {@link org.facemask.config.StorageUri} in one normalised spelling; here a missing authority is filled in from
 * {@code fs.defaultFS} ({@code hdfs:///d} is {@code hdfs://namenode:8020/d}), a glob stands for its fixed prefix
 * ({@code /in/cam*} may match anything under {@code /in}) and a local path is followed through its symbolic links.
 *
 * @param uri null for a setting that is not used, or an opaque URI such as the jar: of a shipped file (then it is
 *            never in the way)
 */
public record Location(String key, URI uri) {
    private static final String GLOB_CHARACTERS = "*?[{";
    /** The namenode's RPC port when a URI names none (HdfsClientConfigKeys.DFS_NAMENODE_RPC_PORT_DEFAULT). */
    private static final int HDFS_DEFAULT_PORT = 8020;

    /**
     * Refuses an output that equals, contains or sits inside any of {@code others} (inputs, models, other outputs):
     * replacing it would delete them, and a job reading below its own output reads what it wrote.
     *
     * @throws ConfigError naming both keys and both locations
     */
    public static void requireApart(Location output, List<Location> others, Configuration conf) {
        for (Location other : others) {
            String how = output.overlap(other, conf);
            if (how != null) {
                throw new ConfigError(output.key() + " (" + output.shown() + ") " + how + " " + other.key() + " ("
                        + other.shown() + "); an output must not equal, contain or sit inside an input, a model or "
                        + "another output: choose a folder of its own");
            }
        }
    }

    /**
     * Refuses two inputs of which one equals or contains the other: every file below both would be read twice (and
     * the second copy rejected as a duplicate of itself).
     *
     * @throws ConfigError naming both keys and both locations
     */
    public static void requireDisjoint(List<Location> inputs, Configuration conf) {
        for (int i = 0; i < inputs.size(); i++) {
            for (int j = i + 1; j < inputs.size(); j++) {
                String how = inputs.get(i).overlap(inputs.get(j), conf);
                if (how != null) {
                    throw new ConfigError(inputs.get(i).key() + " (" + inputs.get(i).shown() + ") " + how + " "
                            + inputs.get(j).key() + " (" + inputs.get(j).shown() + "); list each folder once, "
                            + "and never a folder together with one inside it");
                }
            }
        }
    }

    /** How this location relates to {@code other} as folders: null when neither holds the other. */
    private String overlap(Location other, Configuration conf) {
        if (uri == null || uri.isOpaque() || other.uri() == null || other.uri().isOpaque()) {
            return null; // not used, or a file inside our jar (jar:file:...!/...): never where a job writes or reads
        }
        String mine = comparable(conf);
        String theirs = other.comparable(conf);
        if (!mine.startsWith(theirs) && !theirs.startsWith(mine)) {
            return null;
        }
        return mine.equals(theirs) ? "is the same folder as" : mine.startsWith(theirs) ? "sits inside" : "contains";
    }

    /** The location as the operator wrote it: no %20 for spaces. */
    public String shown() {
        return shown(uri);
    }

    /** A location as the operator wrote it: no %20 for spaces. */
    public static String shown(URI location) {
        return new org.apache.hadoop.fs.Path(location).toString();
    }

    /** scheme://authority/path/ with a trailing slash, so that a prefix test is a containment test. */
    String comparable(Configuration conf) {
        String scheme = Objects.requireNonNull(uri.getScheme(), uri::toString).toLowerCase(Locale.ROOT);
        String authority = uri.getAuthority() == null ? "" : uri.getAuthority().toLowerCase(Locale.ROOT);
        URI defaultFs = FileSystem.getDefaultUri(conf);
        if (authority.isEmpty() && scheme.equalsIgnoreCase(defaultFs.getScheme()) && defaultFs.getAuthority() != null) {
            authority = defaultFs.getAuthority().toLowerCase(Locale.ROOT);
        }
        if (scheme.equals("hdfs") && !authority.isEmpty() && !authority.contains(":")) {
            authority += ":" + HDFS_DEFAULT_PORT; // hdfs://nn/d is hdfs://nn:8020/d
        }
        String path = fixedPrefix(uri.getPath());
        if (scheme.equals("file")) {
            path = withoutLinks(path);
        }
        return scheme + "://" + authority + (path.endsWith("/") ? path : path + "/");
    }

    /** The path up to the first segment with a glob character (ending in '/'); the path itself when it has none. */
    public static String fixedPrefix(String path) {
        int firstGlob = -1;
        for (char c : GLOB_CHARACTERS.toCharArray()) {
            int at = path.indexOf(c);
            if (at >= 0 && (firstGlob < 0 || at < firstGlob)) {
                firstGlob = at;
            }
        }
        return firstGlob < 0 ? path : path.substring(0, path.lastIndexOf('/', firstGlob) + 1);
    }

    /** The real path of the longest existing part, followed by the rest (an output often does not exist yet). */
    private static String withoutLinks(String path) {
        java.nio.file.Path p = java.nio.file.Path.of(path);
        java.nio.file.Path rest = java.nio.file.Path.of("");
        while (p != null && !Files.exists(p)) {
            rest = p.getFileName().resolve(rest);
            p = p.getParent();
        }
        if (p == null) {
            return path;
        }
        try {
            return p.toRealPath().resolve(rest).normalize().toString();
        } catch (IOException e) {
            return path; // unreadable: compared as written
        }
    }
}
