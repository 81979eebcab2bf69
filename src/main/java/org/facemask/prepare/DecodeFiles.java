package org.facemask.prepare;

import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.facemask.config.ImageSettings;
import org.facemask.image.ImageLoader;
import org.facemask.image.ImageRejectedException;
import org.facemask.image.RejectReason;
import org.facemask.storage.BroadcastHadoopConf;
import org.facemask.storage.Sha256;

import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import org.facemask.source.InputFile;

/**
 * Runs in the tasks: reads each file, hashes it and turns it into network-sized pixels, or into a reject reason.
 * No file can fail the task: every outcome is a row (schema {@link PreparedColumns#DECODED}).
 */
final class DecodeFiles implements FlatMapFunction<Iterator<InputFile>, Row> {
    private static final long serialVersionUID = 1L;
    private final BroadcastHadoopConf hadoopConf;
    private final ImageSettings image;
    private final String source;

    DecodeFiles(BroadcastHadoopConf hadoopConf, ImageSettings image, String source) {
        this.hadoopConf = hadoopConf;
        this.image = image;
        this.source = source;
    }

    @Override
    public Iterator<Row> call(Iterator<InputFile> files) {
        ImageLoader loader = new ImageLoader(image);
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return files.hasNext();
            }

            @Override
            public Row next() {
                return decode(files.next(), loader);
            }
        };
    }

    private Row decode(InputFile file, ImageLoader loader) {
        byte[] bytes;
        try {
            bytes = file.readAll(hadoopConf.get());
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            return rejected(file, null, RejectReason.READ_ERROR, "cannot read: " + e);
        }
        String sha256 = Sha256.hex(bytes);
        try {
            ImageLoader.Loaded loaded = loader.load(bytes);
            return DecodedRows.image(file.path(), file.label(), file, sha256, loaded.format().name().toLowerCase(Locale.ROOT),
                    loaded.originalWidth(), loaded.originalHeight(), loaded.pixels().rgb(), source, null);
        } catch (ImageRejectedException e) {
            return rejected(file, sha256, e.reason(), e.getMessage());
        } catch (RuntimeException e) {
            // a decoder library failing on damaged data (OpenCV throws its own exception type)
            return rejected(file, sha256, RejectReason.CORRUPT, "decoder failed: " + e.getMessage());
        } catch (OutOfMemoryError e) {
            // the failed allocation is not held: the file is rejected, the task goes on with the next one
            return rejected(file, sha256, RejectReason.OUT_OF_MEMORY, "decoding ran out of memory: " + e.getMessage());
        }
    }

    private Row rejected(InputFile file, String sha256, RejectReason reason, String detail) {
        return DecodedRows.rejected(file.path(), file.label(), file, sha256, reason, detail, source);
    }
}
