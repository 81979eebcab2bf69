package org.facemask.storage;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Small file operations through Hadoop's FileSystem, so file://, hdfs:// and s3a:// behave alike. */
public final class Storage {
    private Storage() {
    }

    /** A Hadoop configuration carrying the {@code spark.hadoop.*} entries of the Spark settings, as Spark does. */
    public static Configuration hadoopConf(Map<String, String> sparkConf) {
        Configuration conf = new Configuration();
        sparkConf.forEach((k, v) -> {
            if (k.startsWith("spark.hadoop.")) {
                conf.set(k.substring("spark.hadoop.".length()), v);
            }
        });
        return conf;
    }

    public static FileSystem fileSystem(URI uri, Configuration conf) {
        try {
            return FileSystem.get(uri, conf);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the file system of " + uri + ": " + e.getMessage(), e);
        }
    }

    public static byte[] readAll(Path path, Configuration conf) throws IOException {
        return readAll(path, conf, 0);
    }

    /** @param listedSize the length a listing gave, or 0 when unknown (see {@link #readAll(InputStream, long)}) */
    public static byte[] readAll(Path path, Configuration conf, long listedSize) throws IOException {
        FileSystem fs = path.getFileSystem(conf);
        try (InputStream in = fs.open(path)) {
            return readAll(in, listedSize);
        }
    }

    /**
     * All of a stream whose length a listing gave: read straight into one array of that size. Reading an unknown
     * length grows and copies buffers, several times the file's size in garbage, which scoring's millions of small
     * files turned into a steady stream of GC work. A file that changed since the listing is still read whole.
     */
    public static byte[] readAll(InputStream in, long listedSize) throws IOException {
        if (listedSize <= 0 || listedSize > Integer.MAX_VALUE - 8) {
            return in.readAllBytes();
        }
        byte[] bytes = new byte[(int) listedSize];
        int read = in.readNBytes(bytes, 0, bytes.length);
        if (read < bytes.length) {
            return java.util.Arrays.copyOf(bytes, read);
        }
        int next = in.read(); // not readAllBytes: that allocates its buffer even at the end of the stream
        if (next < 0) {
            return bytes;
        }
        byte[] rest = in.readAllBytes();
        byte[] whole = java.util.Arrays.copyOf(bytes, bytes.length + 1 + rest.length);
        whole[bytes.length] = (byte) next;
        System.arraycopy(rest, 0, whole, bytes.length + 1, rest.length);
        return whole;
    }

    public static void writeString(URI uri, String text, Configuration conf) {
        writeBytes(uri, text.getBytes(StandardCharsets.UTF_8), conf);
    }

    public static void writeBytes(URI uri, byte[] bytes, Configuration conf) {
        Path path = new Path(uri);
        try (FSDataOutputStream out = path.getFileSystem(conf).create(path, true)) {
            out.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + uri + ": " + e.getMessage(), e);
        }
    }

    public static boolean exists(URI uri, Configuration conf) {
        Path path = new Path(uri);
        try {
            return path.getFileSystem(conf).exists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check " + uri + ": " + e.getMessage(), e);
        }
    }

    public static void delete(URI uri, Configuration conf) {
        Path path = new Path(uri);
        try {
            path.getFileSystem(conf).delete(path, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + uri + ": " + e.getMessage(), e);
        }
    }

    public static String readString(URI uri, Configuration conf) {
        return new String(readBytes(uri, conf), StandardCharsets.UTF_8);
    }

    /**
     * The form Spark's readers and writers take: a Hadoop path string. Not {@code uri.toString()}, which keeps
     * escapes such as %20 that Spark would then take literally (a folder named "a%20b" instead of "a b").
     */
    public static String sparkPath(URI uri) {
        return new Path(uri).toString();
    }

    public static byte[] readBytes(URI uri, Configuration conf) {
        try {
            return readAll(new Path(uri), conf);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + uri + ": " + e.getMessage(), e);
        }
    }

    /** @return {@code base} with {@code child} appended as a path segment */
    public static URI child(URI base, String child) {
        String s = base.toString();
        return URI.create(s.endsWith("/") ? s + child : s + "/" + child);
    }
}
