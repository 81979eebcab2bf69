package org.facemask.image;

import org.facemask.testing.SharedFiles;
import org.facemask.testing.TestImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Assumptions;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The system's libjpeg-turbo (TurboJPEG) and OpenCV's copy must give the same pixels, byte for byte, or a model
 * trained on one machine would see different inputs when scoring on another. Checked on every file of the dev sets,
 * full size and squashed to 224 (which decodes big JPEGs at 1/2, 1/4 or 1/8 scale), and on JPEG variants made here.
 */
class JpegDecodersAgreeTest {
    private static final ImageDecoder TURBO = new ImageDecoder(40_000_000, JpegDecoder.TURBOJPEG);
    private static final ImageDecoder OPENCV = new ImageDecoder(40_000_000, JpegDecoder.OPENCV);

    @BeforeAll
    static void requireTurboJpeg() {
        if (TurboJpeg.library() == null) {
            String how = "needs libturbojpeg (package libturbojpeg0): " + TurboJpeg.problem();
            if ("true".equals(System.getenv("CI"))) {
                fail("CI " + how + " (.ci/run installs it)");
            }
            Assumptions.abort(how);
        }
    }

    /** What a user of the decoder sees: the shape and pixels of the result, or the rejection. */
    private record Outcome(String description, byte[] pixels) {
    }

    private static Outcome outcome(ImageDecoder decoder, byte[] bytes, int squareSide) {
        try {
            ImageDecoder.Decoded d = squareSide == 0 ? decoder.decode(bytes) : decoder.decodeSquare(bytes, squareSide);
            return new Outcome(d.image().width() + "x" + d.image().height() + " of " + d.originalWidth() + "x"
                    + d.originalHeight(), d.image().rgb());
        } catch (ImageRejectedException e) {
            return new Outcome("rejected " + e.reason() + ": " + e.getMessage(), null);
        }
    }

    /** @param squareSide 0: full size, as faces mode decodes photos; else squashed, as prepare and score do */
    private static boolean assertSameOutcome(byte[] bytes, int squareSide, String what) {
        Outcome opencv = outcome(OPENCV, bytes, squareSide);
        Outcome turbo = outcome(TURBO, bytes, squareSide);
        String where = what + (squareSide == 0 ? ", full size" : ", squashed to " + squareSide);
        assertEquals(opencv.description(), turbo.description(), where);
        assertTrue(Arrays.equals(opencv.pixels(), turbo.pixels()), where + ": pixels differ");
        return opencv.pixels() != null;
    }

    @Test
    void everyDevSetFileDecodesToTheSamePixels() throws IOException {
        int jpegs = 0;
        int viaTurboJpeg = 0;
        int files = 0;
        // single faces are squashed (prepare, score); multi-face photos are decoded at full size (faces mode)
        for (String set : List.of("datasets/face-mask-dev", "datasets/face-mask-multi-dev/images")) {
            List<Path> paths;
            try (Stream<Path> walk = Files.walk(SharedFiles.require(set))) {
                paths = walk.filter(Files::isRegularFile).sorted().toList();
            }
            for (Path file : paths) {
                byte[] bytes = Files.readAllBytes(file);
                if (ImageFormat.sniff(bytes) == ImageFormat.JPEG) {
                    jpegs++;
                    viaTurboJpeg += ImageHeader.isPlainJpeg(bytes) ? 1 : 0;
                }
                assertSameOutcome(bytes, set.endsWith("images") ? 0 : 224, file.toString());
                files++;
            }
        }
        assertTrue(files >= 4_400, files + " files");
        // the comparison means something only if most JPEGs really went to TurboJPEG
        assertTrue(viaTurboJpeg >= jpegs * 9 / 10, viaTurboJpeg + " of " + jpegs + " JPEGs decoded by TurboJPEG");
    }

    @Test
    void jpegVariantsDecodeToTheSamePixels() {
        BufferedImage colour = noise(333, 217, BufferedImage.TYPE_INT_RGB);
        BufferedImage grey = noise(251, 190, BufferedImage.TYPE_BYTE_GRAY);
        List<byte[]> variants = List.of(jpeg(colour, false, 0.9f), jpeg(colour, true, 0.9f), jpeg(grey, false, 0.75f),
                jpeg(grey, true, 0.5f), jpeg(noise(1900, 1500, BufferedImage.TYPE_INT_RGB), false, 0.8f),
                jpeg(noise(7, 5, BufferedImage.TYPE_INT_RGB), false, 0.8f));
        for (int i = 0; i < variants.size(); i++) {
            byte[] bytes = variants.get(i);
            assertTrue(ImageHeader.isPlainJpeg(bytes), "variant " + i + " should go to TurboJPEG");
            // 224 and 100 from 1900x1500: 1/4 and 1/8 scale; from 333x217: an enlarged side and a shrunk one
            for (int side : new int[]{0, 224, 100, 300}) {
                assertSameOutcome(bytes, side, "variant " + i);
            }
        }
    }

    @Test
    void damagedJpegsAreTreatedAsBefore() {
        byte[] good = jpeg(noise(160, 120, BufferedImage.TYPE_INT_RGB), false, 0.9f);
        Random random = new Random(7);
        int decoded = 0;
        for (int trial = 0; trial < 40; trial++) {
            byte[] bad = good.clone();
            // garble a few bytes of the compressed data, leaving the headers and the end marker alone
            for (int k = 0; k < 3; k++) {
                bad[good.length / 2 + random.nextInt(good.length / 2 - 2)] = (byte) random.nextInt(256);
            }
            decoded += assertSameOutcome(bad, 0, "damaged copy " + trial) ? 1 : 0;
        }
        assertTrue(decoded > 0, "some damaged copies still decode (libjpeg's warnings): the warning path was tried");
        assertSameOutcome(TestImages.truncated(good, 0.7), 0, "truncated");
    }

    private static BufferedImage noise(int width, int height, int type) {
        BufferedImage img = new BufferedImage(width, height, type);
        Random random = new Random(width * 31L + height);
        // smooth gradients plus noise, so chroma subsampling and the IDCT both matter
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = (x * 255 / width + random.nextInt(40)) & 0xFF;
                int g = (y * 255 / height + random.nextInt(40)) & 0xFF;
                int b = ((x + y) * 127 / (width + height) + random.nextInt(80)) & 0xFF;
                img.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        return img;
    }

    /** Encoded by the JDK's writer: baseline or progressive, 4:2:0 for colour. */
    private static byte[] jpeg(BufferedImage img, boolean progressive, float quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            param.setProgressiveMode(progressive ? ImageWriteParam.MODE_DEFAULT : ImageWriteParam.MODE_DISABLED);
            writer.write(null, new IIOImage(img, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }
}
