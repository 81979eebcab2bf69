package org.facemask.image;

/**
 * Format and declared size read from an image's header without decoding it, so that a decompression bomb is
 * refused before a single pixel is allocated.
 *
 * @param width         the image's declared width (a GIF's logical screen)
 * @param height        the image's declared height
 * @param largestWidth  width of the largest area any part of the file declares: a GIF frame may declare far more
 *                      than its screen, and the decoder allocates the frame's size, not the screen's
 * @param largestHeight height of that area
 */
public record ImageHeader(ImageFormat format, int width, int height, int largestWidth, int largestHeight) {

    /** A format with one declared size. */
    public ImageHeader(ImageFormat format, int width, int height) {
        this(format, width, height, width, height);
    }

    public long pixels() {
        return (long) width * height;
    }

    /** What a decoder may have to allocate: the largest declared area, which the pixel limit is checked against. */
    public long largestPixels() {
        return (long) largestWidth * largestHeight;
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
                case GIF -> gif(bytes);
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

    /**
     * The logical screen, and the largest image descriptor of every frame: a 35-byte GIF may declare a 16x16 screen
     * and a 40000x40000 frame, which the JDK's reader allocates before reading a single pixel. A file cut short
     * ends the walk; the decoder then reports it.
     */
    private static ImageHeader gif(byte[] b) {
        int screenWidth = uint16le(b, 6);
        int screenHeight = uint16le(b, 8);
        int largestWidth = screenWidth;
        int largestHeight = screenHeight;
        int i = 13 + colourTableSize(b[10]);
        while (i < b.length) {
            int block = b[i] & 0xFF;
            if (block == 0x2C && i + 9 < b.length) { // image descriptor: left, top, width, height, flags
                int width = uint16le(b, i + 5);
                int height = uint16le(b, i + 7);
                if ((long) width * height > (long) largestWidth * largestHeight) {
                    largestWidth = width;
                    largestHeight = height;
                }
                i = skipSubBlocks(b, i + 10 + colourTableSize(b[i + 9]) + 1); // + LZW minimum code size
            } else if (block == 0x21 && i + 1 < b.length) { // extension: label, then sub-blocks
                i = skipSubBlocks(b, i + 2);
            } else {
                break; // trailer, or data the decoder will judge
            }
        }
        return new ImageHeader(ImageFormat.GIF, screenWidth, screenHeight, largestWidth, largestHeight);
    }

    /** Bytes of the colour table a GIF flags byte announces (bit 7 present, bits 0-2 its size). */
    private static int colourTableSize(byte flags) {
        return (flags & 0x80) == 0 ? 0 : 3 << ((flags & 0x07) + 1);
    }

    /** @return offset after the terminating empty sub-block, or past the end when the data is cut short */
    private static int skipSubBlocks(byte[] b, int i) {
        while (i < b.length && b[i] != 0) {
            i += 1 + (b[i] & 0xFF);
        }
        return i + 1;
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
