package org.facemask.image;

/**
 * Format and declared size read from an image's header without decoding it, so that a decompression bomb is
 * refused before a single pixel is allocated.
 */
public record ImageHeader(ImageFormat format, int width, int height) {

    public long pixels() {
        return (long) width * height;
    }

    /**
     * @throws ImageRejectedException NOT_AN_IMAGE for unknown content, CORRUPT when the header cannot be read
     */
    public static ImageHeader read(byte[] bytes) {
        ImageFormat format = ImageFormat.sniff(bytes);
        if (format == null) {
            throw new ImageRejectedException(RejectReason.NOT_AN_IMAGE,
                    "content is not a JPEG, PNG, GIF, BMP or WEBP image");
        }
        try {
            ImageHeader header = switch (format) {
                case JPEG -> jpeg(bytes);
                case PNG -> new ImageHeader(format, int32be(bytes, 16), int32be(bytes, 20));
                case GIF -> new ImageHeader(format, uint16le(bytes, 6), uint16le(bytes, 8));
                case BMP -> bmp(bytes);
                case WEBP -> webp(bytes);
            };
            if (header.width <= 0 || header.height <= 0) {
                throw new ImageRejectedException(RejectReason.CORRUPT,
                        format + " header declares a size of " + header.width + "x" + header.height);
            }
            return header;
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new ImageRejectedException(RejectReason.CORRUPT, format + " header is truncated");
        }
    }

    private static ImageHeader jpeg(byte[] b) {
        int sof = findJpegMarker(b, ImageHeader::isStartOfFrame);
        if (sof < 0) {
            throw new ImageRejectedException(RejectReason.CORRUPT, "JPEG has no frame header");
        }
        return new ImageHeader(ImageFormat.JPEG, uint16be(b, sof + 7), uint16be(b, sof + 5));
    }

    /**
     * A JPEG that TurboJPEG decodes to exactly the pixels OpenCV gives: Huffman-coded baseline, extended or
     * progressive (SOF0-2) with 1 or 3 components, and no APP1 segment. APP1 holds EXIF, whose orientation OpenCV
     * applies; 4 components are CMYK/YCCK, which OpenCV converts itself.
     */
    static boolean isPlainJpeg(byte[] b) {
        if (findJpegMarker(b, marker -> marker == 0xE1) >= 0) {
            return false;
        }
        int sof = findJpegMarker(b, ImageHeader::isStartOfFrame);
        if (sof < 0 || sof + 9 >= b.length) {
            return false;
        }
        int components = b[sof + 9] & 0xFF;
        return (b[sof + 1] & 0xFF) <= 0xC2 && (components == 1 || components == 3);
    }

    /** SOF0..SOF15 carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not. */
    private static boolean isStartOfFrame(int marker) {
        return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    }

    /**
     * Walks the JPEG segments from the start of the file up to the first start-of-scan (SOS), skipping each segment
     * by its length so that markers inside EXIF thumbnails are never mistaken for the main image's.
     *
     * @return offset of the first marker accepted by {@code wanted}, or -1
     */
    static int findJpegMarker(byte[] b, java.util.function.IntPredicate wanted) {
        int i = 2;
        while (i + 3 < b.length) {
            if ((b[i] & 0xFF) != 0xFF) {
                throw new ImageRejectedException(RejectReason.CORRUPT, "JPEG marker expected at byte " + i);
            }
            int marker = b[i + 1] & 0xFF;
            if (marker == 0xFF) { // fill byte
                i++;
                continue;
            }
            if (wanted.test(marker)) {
                return i;
            }
            if (marker == 0xDA || marker == 0xD9) {
                return -1;
            }
            i += 2 + uint16be(b, i + 2);
        }
        return -1;
    }

    /**
     * A JPEG cut short loses its end-of-image marker; decoders then fill the missing rows with grey instead of
     * failing, so the cut has to be found here. Entropy-coded data never holds FFD9 (0xFF is always stuffed), so
     * an FFD9 after the main start-of-scan is the real end.
     */
    static boolean isCompleteJpeg(byte[] b) {
        int sos = findJpegMarker(b, marker -> marker == 0xDA);
        if (sos < 0) {
            return false;
        }
        for (int i = b.length - 2; i > sos; i--) {
            if ((b[i] & 0xFF) == 0xFF && (b[i + 1] & 0xFF) == 0xD9) {
                return true;
            }
        }
        return false;
    }

    private static ImageHeader bmp(byte[] b) {
        int dibSize = int32le(b, 14);
        if (dibSize == 12) { // OS/2 BITMAPCOREHEADER
            return new ImageHeader(ImageFormat.BMP, uint16le(b, 18), uint16le(b, 20));
        }
        return new ImageHeader(ImageFormat.BMP, int32le(b, 18), Math.abs(int32le(b, 22)));
    }

    private static ImageHeader webp(byte[] b) {
        String chunk = new String(b, 12, 4, java.nio.charset.StandardCharsets.US_ASCII);
        return switch (chunk) {
            case "VP8 " -> new ImageHeader(ImageFormat.WEBP, uint16le(b, 26) & 0x3FFF, uint16le(b, 28) & 0x3FFF);
            case "VP8L" -> {
                int bits = int32le(b, 21);
                yield new ImageHeader(ImageFormat.WEBP, (bits & 0x3FFF) + 1, ((bits >>> 14) & 0x3FFF) + 1);
            }
            case "VP8X" -> new ImageHeader(ImageFormat.WEBP, uint24le(b, 24) + 1, uint24le(b, 27) + 1);
            default -> throw new ImageRejectedException(RejectReason.CORRUPT, "unknown WEBP chunk '" + chunk + "'");
        };
    }

    private static int uint16be(byte[] b, int i) {
        return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
    }

    private static int int32be(byte[] b, int i) {
        return (uint16be(b, i) << 16) | uint16be(b, i + 2);
    }

    private static int uint16le(byte[] b, int i) {
        return (b[i] & 0xFF) | ((b[i + 1] & 0xFF) << 8);
    }

    private static int uint24le(byte[] b, int i) {
        return uint16le(b, i) | ((b[i + 2] & 0xFF) << 16);
    }

    private static int int32le(byte[] b, int i) {
        return uint16le(b, i) | (uint16le(b, i + 2) << 16);
    }
}
