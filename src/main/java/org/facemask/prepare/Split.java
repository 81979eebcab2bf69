package org.facemask.prepare;

import java.util.Locale;

/** Dataset splits; stored lower-case ("train", "val", "test") as the partition column of images/. */
public enum Split {
    TRAIN, VAL, TEST;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
