package org.facemask.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A machine without libturbojpeg, as a JVM where JNA searches no system folder: {@code auto} decodes with OpenCV
 * and says why, {@code turbojpeg} stops the job before any Spark work with an error naming the key and the package.
 */
class JpegDecoderWithoutLibraryTest {
    @TempDir
    Path tmp;

    private record Run(int exitCode, String output) {
    }

    private Run inJvmWithoutLibturbojpeg(String mainClass, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djna.platform.library.path=" + tmp.resolve("no-libraries"), "-Djna.library.path=" + tmp.resolve("none"),
                "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("LD_LIBRARY_PATH");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
        return new Run(process.exitValue(), output);
    }

    @Test
    void autoFallsBackToOpenCvAndRequiredStopsTheJobAtOnce() throws Exception {
        Run required = inJvmWithoutLibturbojpeg("org.facemask.job.Main", "prepare", "image.jpeg-decoder=turbojpeg",
                "prepare.input=" + tmp.resolve("in"), "prepare.output=" + tmp.resolve("out"));
        assertEquals(2, required.exitCode(), required.output());
        assertTrue(required.output().contains("error: image.jpeg-decoder = turbojpeg, but libturbojpeg cannot be loaded")
                && required.output().contains("libturbojpeg0"), required.output());

        Run auto = inJvmWithoutLibturbojpeg(DescribeJpegDecoding.class.getName());
        assertEquals(0, auto.exitCode(), auto.output());
        assertTrue(auto.output().contains("JPEG decoding: OpenCV, slower (libturbojpeg not loadable"), auto.output());
        assertTrue(auto.output().contains("decoded 40x20"), auto.output());
    }

    /** The child JVM's side of the {@code auto} case: what it would log, and a JPEG decoded all the same. */
    public static final class DescribeJpegDecoding {
        public static void main(String[] args) {
            System.out.println(JpegDecoder.AUTO.describe());
            byte[] jpeg = org.facemask.testing.TestImages.encode(org.facemask.testing.TestImages.quadrants(40, 20,
                    java.awt.image.BufferedImage.TYPE_INT_RGB), "jpg");
            RgbImage image = new ImageDecoder(1_000_000, JpegDecoder.AUTO).decode(jpeg).image();
            System.out.println("decoded " + image.width() + "x" + image.height());
        }
    }
}
