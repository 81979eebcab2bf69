package org.facemask.image;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.LoggerFactory;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

/**
 * libjpeg-turbo's TurboJPEG library as the operating system ships it (Debian/Ubuntu package libturbojpeg0, RHEL
 * turbojpeg), called through JNA. The copy of libjpeg-turbo inside bytedeco's OpenCV is built without its SIMD code;
 * the system's has it and decodes the dev set's JPEGs about twice as fast. Same library, same integer IDCT, same
 * upsampling: the pixels are the same, which {@code JpegDecodersAgreeTest} checks on every file of the dev set.
 * <p>
 * Loaded once per JVM, on first use; when it cannot be loaded, {@link #problem()} says why, a warning says so once
 * per JVM (an executor without the package is slower, not wrong), and JPEGs go to OpenCV.
 */
final class TurboJpeg {
    private static final int TJPF_RGB = 0;
    /** No TJFLAG_FASTDCT or TJFLAG_FASTUPSAMPLE: the accurate integer IDCT and smooth upsampling, as OpenCV's decode. */
    private static final int FLAGS = 0;

    /** The file loaded, or null. */
    private static final String LIBRARY;
    /** Why it could not be loaded, or null. */
    private static final String PROBLEM;

    static {
        String library = null;
        String problem = null;
        try {
            // JNA also finds the versioned libturbojpeg.so.0 the runtime package installs, without the -dev symlink
            NativeLibrary turbojpeg = NativeLibrary.getInstance("turbojpeg");
            Native.register(TurboJpeg.class, turbojpeg);
            library = turbojpeg.getFile() == null ? turbojpeg.getName() : turbojpeg.getFile().getPath();
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            problem = shortReason(String.valueOf(e.getMessage()));
            LoggerFactory.getLogger(TurboJpeg.class).warn("libturbojpeg cannot be loaded ({}): JPEGs are decoded by "
                    + "OpenCV's slower copy of libjpeg-turbo; install the libturbojpeg0 package", problem);
        }
        LIBRARY = library;
        PROBLEM = problem;
    }

    private TurboJpeg() {
    }

    /** JNA's message goes on to list the whole class path and every folder searched: the start says what is missing. */
    static String shortReason(String message) {
        String first = message.lines().findFirst().orElse(message);
        int list = first.indexOf(" in resource path");
        return list > 0 ? first.substring(0, list) : first.length() > 300 ? first.substring(0, 300) + "..." : first;
    }

    /** The loaded library's file, or null when it could not be loaded. */
    static String library() {
        return LIBRARY;
    }

    /** Why the library could not be loaded, or null when it was. */
    static String problem() {
        return PROBLEM;
    }

    /**
     * Decodes a JPEG with 1 or 3 components to RGB, scaled by libjpeg to {@code width} x {@code height} (the full
     * size, or it divided by 2, 4 or 8 and rounded up, as libjpeg's DCT scaling gives).
     *
     * @return the pixels in native memory owned by the caller's pointer scope, or null when TurboJPEG reports an
     *         error or a warning (the caller then lets OpenCV decide, so a damaged file is treated exactly as
     *         before: libjpeg-turbo versions differ in how they conceal corrupt data, JpegDecodersAgreeTest found)
     */
    static Mat decodeRgb(byte[] jpeg, int width, int height) {
        if (LIBRARY == null) {
            throw new IllegalStateException("libturbojpeg is not loaded: " + PROBLEM);
        }
        Mat rgb = new Mat(height, width, CV_8UC3);
        // one handle per call: a handle is not thread-safe, and creating one is microseconds against a decode
        Pointer handle = tjInitDecompress();
        if (handle == null) {
            throw new IllegalStateException("tjInitDecompress failed: out of memory");
        }
        try {
            int status = tjDecompress2(handle, jpeg, new NativeLong(jpeg.length), new Pointer(rgb.data().address()),
                    width, width * 3, height, TJPF_RGB, FLAGS);
            return status == 0 ? rgb : null;
        } finally {
            tjDestroy(handle);
        }
    }

    // TurboJPEG 2.x API (kept in 3.x): https://libjpeg-turbo.org/Documentation/Documentation
    private static native Pointer tjInitDecompress();

    private static native int tjDecompress2(Pointer handle, byte[] jpegBuf, NativeLong jpegSize, Pointer dstBuf,
                                            int width, int pitch, int height, int pixelFormat, int flags);

    private static native int tjDestroy(Pointer handle);
}
