package org.facemask.image;

import java.util.Locale;

/**
 * Which library decodes JPEGs ({@code image.jpeg-decoder}). Both give the same pixels, so the choice is about speed
 * only, and a model trained with one scores the same with the other:
 * <ul>
 *   <li>{@code auto}: the system's libjpeg-turbo (SIMD) when this JVM can load libturbojpeg, else OpenCV;</li>
 *   <li>{@code turbojpeg}: the system's libjpeg-turbo, and an error where it cannot be loaded;</li>
 *   <li>{@code opencv}: the libjpeg-turbo inside OpenCV (no SIMD), never the system's.</li>
 * </ul>
 * Either way OpenCV decodes the JPEGs TurboJPEG would treat differently: with EXIF metadata (OpenCV applies the
 * orientation), CMYK/YCCK, arithmetic-coded or lossless, and any file TurboJPEG reports an error or a warning for
 * (damaged data, which the two libjpeg-turbo versions conceal differently).
 */
public enum JpegDecoder {
    AUTO, TURBOJPEG, OPENCV;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Whether this JVM decodes JPEGs with the system's libjpeg-turbo.
     *
     * @throws IllegalStateException for {@code turbojpeg} when libturbojpeg cannot be loaded here, naming the cause
     */
    public boolean usesTurboJpeg() {
        return switch (this) {
            case OPENCV -> false;
            case AUTO -> TurboJpeg.library() != null;
            case TURBOJPEG -> {
                if (TurboJpeg.library() == null) {
                    throw new IllegalStateException("image.jpeg-decoder = turbojpeg, but libturbojpeg cannot be loaded: "
                            + TurboJpeg.problem() + " (install the libturbojpeg0 package, or set image.jpeg-decoder = auto)");
                }
                yield true;
            }
        };
    }

    /** One line for the log: what this JVM does with JPEGs, and from where. */
    public String describe() {
        if (this == OPENCV) {
            return "JPEG decoding: OpenCV (image.jpeg-decoder = opencv)";
        }
        return usesTurboJpeg() ? "JPEG decoding: libjpeg-turbo with SIMD from " + TurboJpeg.library()
                : "JPEG decoding: OpenCV, slower (libturbojpeg not loadable: " + TurboJpeg.problem()
                + "; install the libturbojpeg0 package for the faster decoder)";
    }
}
