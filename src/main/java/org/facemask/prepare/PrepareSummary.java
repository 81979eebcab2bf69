package org.facemask.prepare;


import org.facemask.storage.Json;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What summary.json says about one prepare run. {@code accepted + rejected == files} always holds: prepare refuses
 * to finish otherwise.
 *
 * @param files            every entry found under the input: each file, and each entry the listing rejected
 *                         unopened (a hidden folder, a FIFO, a symbolic-link loop: one entry each)
 * @param accepted         images written to images/
 * @param rejected         files written to rejects/
 * @param duplicates       the part of {@code rejected} that were byte-identical copies of a kept image
 * @param classes          ordered class list (class folder names, sorted)
 * @param splits           accepted images per split ("train", "val", "test") and class
 * @param rejectedByReason rejected files per reason code ("hidden" counts the skipped dot-files and dot-folders)
 * @param imageSize        side of the stored square pixels
 * @param seed             split seed
 * @param input            the input URI
 * @param seconds          wall time of the stage
 */
public record PrepareSummary(long files, long accepted, long rejected, long duplicates, List<String> classes,
                             Map<String, Map<String, Long>> splits, Map<String, Long> rejectedByReason,
                             int imageSize, long seed, String input, double seconds) {

    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("files", files);
        m.put("accepted", accepted);
        m.put("rejected", rejected);
        m.put("duplicates", duplicates);
        m.put("classes", classes);
        m.put("splits", splits);
        m.put("rejected_by_reason", rejectedByReason);
        m.put("image_size", imageSize);
        m.put("seed", seed);
        m.put("input", input);
        m.put("seconds", Math.round(seconds * 10) / 10.0);
        return Json.write(m);
    }
}
