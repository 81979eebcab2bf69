package org.facemask.prepare;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.facemask.image.RejectReason;
import org.facemask.source.InputFile;

/** Rows of {@link PreparedColumns#DECODED}, made one way by every source's decoding task. */
final class DecodedRows {
    private DecodedRows() {
    }

    /**
     * @param group the rows that must share a split (the photo of an annotated face), or null for a whole file
     */
    static Row image(String path, String label, InputFile file, String sha256, String format, int width, int height,
                     byte[] pixels, String source, String group) {
        return RowFactory.create(path, label, file.sizeBytes(), file.modificationTime(), sha256, format, width, height,
                pixels, null, null, source, group);
    }

    static Row rejected(String path, String label, InputFile file, String sha256, RejectReason reason, String detail,
                        String source) {
        return RowFactory.create(path, label, file.sizeBytes(), file.modificationTime(), sha256, null, null, null, null,
                reason.code(), detail, source, null);
    }
}
