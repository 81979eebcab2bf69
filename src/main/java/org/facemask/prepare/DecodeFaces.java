package org.facemask.prepare;

import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.facemask.config.ImageSettings;
import org.facemask.config.PrepareSettings;
import org.facemask.detect.FaceBox;
import org.facemask.detect.FaceCrop;
import org.facemask.image.ImageDecoder;
import org.facemask.image.ImageRejectedException;
import org.facemask.image.RejectReason;
import org.facemask.image.RgbImage;
import org.facemask.storage.BroadcastHadoopConf;
import org.facemask.storage.Sha256;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.facemask.source.InputFile;

/**
 * Runs in the tasks: every annotated face of a VOC photo becomes one row of {@link PreparedColumns#DECODED}, cut out
 * as per-face scoring cuts a detected face ({@link FaceCrop#forClassifier}) and labelled from the annotation, or a
 * reject with its reason. A face row's path is {@code <photo path>#face<i>} (i counts the annotation's objects from
 * 0); all faces of a photo carry the photo's sha256 as their split group, so they land in one split. A photo that
 * cannot be read or decoded rejects each of its faces; an unusable annotation rejects the photo.
 */
final class DecodeFaces implements FlatMapFunction<Iterator<VocFolder.Photo>, Row> {
    private static final long serialVersionUID = 1L;
    private final BroadcastHadoopConf hadoopConf;
    private final ImageSettings image;
    private final PrepareSettings.FaceSource faces;
    private final String source;

    DecodeFaces(BroadcastHadoopConf hadoopConf, ImageSettings image, PrepareSettings.FaceSource faces, String source) {
        this.hadoopConf = hadoopConf;
        this.image = image;
        this.faces = faces;
        this.source = source;
    }

    /** The path of the i-th annotated face of a photo. */
    static String facePath(String photo, int index) {
        return photo + "#face" + index;
    }

    @Override
    public Iterator<Row> call(Iterator<VocFolder.Photo> photos) {
        ImageDecoder decoder = new ImageDecoder(image);
        return new Iterator<>() {
            private Iterator<Row> current = List.<Row>of().iterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && photos.hasNext()) {
                    current = facesOf(photos.next(), decoder).iterator();
                }
                return current.hasNext();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                return current.next();
            }
        };
    }

    private List<Row> facesOf(VocFolder.Photo photo, ImageDecoder decoder) {
        InputFile file = photo.file();
        VocAnnotation annotation;
        try {
            annotation = VocAnnotation.parse(photo.annotation().readAll(hadoopConf.get()));
        } catch (IOException | RuntimeException e) {
            return List.of(DecodedRows.rejected(file.path(), null, file, null, RejectReason.BAD_ANNOTATION,
                    photo.annotation().path() + ": " + e.getMessage(), source));
        }
        List<VocAnnotation.Face> annotated = annotation.faces();
        if (annotated.isEmpty()) {
            return List.of(DecodedRows.rejected(file.path(), null, file, null, RejectReason.NO_ANNOTATED_FACE,
                    photo.annotation().path() + " has no <object>", source));
        }
        List<Row> rows = new ArrayList<>(annotated.size());
        byte[] bytes;
        try {
            bytes = file.readAll(hadoopConf.get());
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            return everyFace(annotated, file, null, RejectReason.READ_ERROR, "cannot read the photo: " + e);
        }
        String photoSha256 = Sha256.hex(bytes);
        ImageDecoder.Decoded decoded;
        try {
            decoded = decoder.decode(bytes);
        } catch (ImageRejectedException e) {
            return everyFace(annotated, file, photoSha256, e.reason(), "the photo: " + e.getMessage());
        } catch (RuntimeException | OutOfMemoryError e) {
            return everyFace(annotated, file, photoSha256, RejectReason.CORRUPT, "the photo: decoder failed: " + e);
        }
        RgbImage picture = decoded.image();
        String format = decoded.header().format().name().toLowerCase(Locale.ROOT);
        for (int i = 0; i < annotated.size(); i++) {
            VocAnnotation.Face face = annotated.get(i);
            String path = facePath(file.path(), i);
            FaceBox inside = face.box().clippedTo(picture.width(), picture.height());
            if (face.label().equals(VocAnnotation.INCORRECT) && faces.incorrectMask() == PrepareSettings.IncorrectMask.DROP) {
                rows.add(DecodedRows.rejected(path, face.label(), file, photoSha256, RejectReason.DROPPED_LABEL,
                        "prepare.faces.incorrect-mask = drop", source));
            } else if (inside.w() < 1 || inside.h() < 1) {
                rows.add(DecodedRows.rejected(path, face.label(), file, photoSha256, RejectReason.BAD_BOX,
                        "box " + describe(face.box()) + " lies outside the " + picture.width() + "x" + picture.height()
                                + " photo", source));
            } else if (Math.min(face.box().w(), face.box().h()) < faces.minSize()) {
                rows.add(DecodedRows.rejected(path, face.label(), file, photoSha256, RejectReason.FACE_TOO_SMALL,
                        "box " + describe(face.box()) + " is under prepare.faces.min-size = " + faces.minSize(), source));
            } else {
                RgbImage crop = FaceCrop.forClassifier(picture, face.box(), faces.margin(), image.size());
                rows.add(DecodedRows.image(path, face.label(), file, Sha256.hex(crop.rgb()), format,
                        (int) Math.round(inside.w()), (int) Math.round(inside.h()), crop.rgb(), source, photoSha256));
            }
        }
        return rows;
    }

    private List<Row> everyFace(List<VocAnnotation.Face> annotated, InputFile file, String sha256, RejectReason reason,
                                String detail) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < annotated.size(); i++) {
            rows.add(DecodedRows.rejected(facePath(file.path(), i), annotated.get(i).label(), file, sha256, reason,
                    detail, source));
        }
        return rows;
    }

    private static String describe(FaceBox b) {
        return String.format(Locale.ROOT, "%.0f,%.0f %.0fx%.0f", b.x(), b.y(), b.w(), b.h());
    }
}
