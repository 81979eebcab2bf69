package org.facemask.image;

/** Why an input file is not in the prepared dataset (or has no prediction). Stored lower-case in rejects/. */
public enum RejectReason {
    /** the file has no bytes */
    EMPTY_FILE,
    /** the content is no image format we know, whatever its name */
    NOT_AN_IMAGE,
    /** a known format whose data is damaged or cut short */
    CORRUPT,
    /** the header declares more pixels than image.max-pixels */
    TOO_MANY_PIXELS,
    /** the file could not be read from storage */
    READ_ERROR,
    /** the file sits directly in the input folder, not in a class folder, so it has no label */
    NO_CLASS_FOLDER,
    /** a file or folder whose name starts with '.' (.DS_Store, .ipynb_checkpoints/): not read, never a class */
    HIDDEN,
    /** a FIFO, socket, device or broken symbolic link: listed, never opened (a FIFO would block the reader) */
    NOT_A_REGULAR_FILE,
    /** a symbolic link to a folder that contains it: that folder is listed once, not again through the link */
    SYMLINK_LOOP,
    /** a name whose bytes the JVM cannot decode (not UTF-8 under a UTF-8 locale): it cannot be opened by name */
    UNREADABLE_NAME,
    /** decoding needed more memory than the task had; the other files go on */
    OUT_OF_MEMORY,
    /** byte-identical to another file of the same class, which is kept */
    DUPLICATE,
    /** byte-identical files under different class folders: the label is unknown, all copies are rejected */
    CONFLICTING_LABEL,
    /** a photo of a Pascal VOC source without its annotations/&lt;name&gt;.xml */
    NO_ANNOTATION,
    /** an annotation file of a VOC source that is not a usable Pascal VOC annotation (its photo is rejected too) */
    BAD_ANNOTATION,
    /** an annotation of a VOC source whose photo is not in images/ */
    NO_PHOTO,
    /** a photo of a VOC source whose annotation holds no face box */
    NO_ANNOTATED_FACE,
    /** an annotated face smaller than prepare.faces.min-size */
    FACE_TOO_SMALL,
    /** an annotated face whose box lies outside its photo */
    BAD_BOX,
    /** an annotated face whose label the settings drop (prepare.faces.incorrect-mask = drop) */
    DROPPED_LABEL;

    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
