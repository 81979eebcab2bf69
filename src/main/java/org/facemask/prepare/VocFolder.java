package org.facemask.prepare;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.facemask.image.RejectReason;
import org.facemask.storage.Storage;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.facemask.source.InputFile;
import org.facemask.source.InputListing;

/**
 * A Pascal VOC folder as the Kaggle face-mask sets lay it out: photos under {@code images/}, one
 * {@code annotations/<name>.xml} per photo (same relative path, other extension). Listed on the driver and paired;
 * every file that cannot be paired, and every entry the listing rejects (hidden, not a regular file, ...), is named
 * with a reason, so nothing in the folder goes unaccounted for.
 *
 * @param photos   photos with their annotation, sorted by path
 * @param unpaired files without a partner (or annotations/ files that are no .xml), sorted by path
 */
public record VocFolder(List<Photo> photos, List<Unpaired> unpaired) {
    public static final String IMAGES = "images";
    public static final String ANNOTATIONS = "annotations";

    /** A photo and its annotation file. */
    public record Photo(InputFile file, InputFile annotation) implements Serializable {
    }

    /** A file of the folder that is not part of a photo/annotation pair, and why. */
    public record Unpaired(String path, RejectReason reason, String detail) {
    }

    /** Whether {@code location} is laid out as images/ + annotations/. */
    public static boolean isVocFolder(URI location, Configuration hadoop) {
        return Storage.exists(Storage.child(location, ANNOTATIONS), hadoop)
                && Storage.exists(Storage.child(location, IMAGES), hadoop);
    }

    public static VocFolder list(URI location, Configuration hadoop) {
        FileSystem fs = Storage.fileSystem(location, hadoop);
        // qualified as listings name their entries (hdfs:/x is listed as hdfs://namenode:8020/x)
        Path imagesDir = fs.makeQualified(new Path(Storage.child(location, IMAGES)));
        Path annotationsDir = fs.makeQualified(new Path(Storage.child(location, ANNOTATIONS)));
        try {
            Map<String, InputFile> annotations = new TreeMap<>();
            List<Unpaired> unpaired = new ArrayList<>();
            for (InputFile f : InputListing.filesUnder(fs, annotationsDir)) {
                if (!f.readable()) {
                    unpaired.add(new Unpaired(f.path(), f.rejection(), f.detail()));
                } else if (f.path().endsWith(".xml")) {
                    InputFile before = annotations.put(key(annotationsDir, f.path()), f);
                    if (before != null) {
                        unpaired.add(new Unpaired(before.path(), RejectReason.BAD_ANNOTATION,
                                "another annotation has the same name: " + f.path()));
                    }
                } else {
                    unpaired.add(new Unpaired(f.path(), RejectReason.BAD_ANNOTATION,
                            "not an .xml file, in " + ANNOTATIONS + "/"));
                }
            }
            List<Photo> photos = new ArrayList<>();
            for (InputFile f : InputListing.filesUnder(fs, imagesDir)) {
                InputFile annotation = f.readable() ? annotations.remove(key(imagesDir, f.path())) : null;
                if (!f.readable()) {
                    unpaired.add(new Unpaired(f.path(), f.rejection(), f.detail()));
                } else if (annotation == null) {
                    unpaired.add(new Unpaired(f.path(), RejectReason.NO_ANNOTATION, "no " + ANNOTATIONS + "/"
                            + key(imagesDir, f.path()) + ".xml"));
                } else {
                    photos.add(new Photo(f, annotation));
                }
            }
            annotations.values().forEach(a -> unpaired.add(new Unpaired(a.path(), RejectReason.NO_PHOTO,
                    "no photo of this name in " + IMAGES + "/")));
            photos.sort(java.util.Comparator.comparing(p -> p.file().path()));
            unpaired.sort(java.util.Comparator.comparing(Unpaired::path));
            return new VocFolder(List.copyOf(photos), List.copyOf(unpaired));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + location + ": " + e.getMessage(), e);
        }
    }

    /** The path below {@code dir} without the file's extension: what pairs images/a/b.jpg with annotations/a/b.xml. */
    private static String key(Path dir, String path) {
        String prefix = dir.toString();
        String relative = path.startsWith(prefix + "/") ? path.substring(prefix.length() + 1) : new Path(path).getName();
        int slash = relative.lastIndexOf('/');
        int dot = relative.lastIndexOf('.');
        return dot > slash + 1 ? relative.substring(0, dot) : relative;
    }
}
