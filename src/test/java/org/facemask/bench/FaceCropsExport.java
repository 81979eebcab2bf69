package org.facemask.bench;

import org.facemask.detect.FaceCrop;
import org.facemask.evaluate.FaceMetrics;
import org.facemask.evaluate.VocAnnotation;
import org.facemask.image.ImageDecoder;
import org.facemask.image.RgbImage;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The annotated faces of one half of a Pascal VOC folder as a folder-per-class training set: each face cut out
 * with the same margin scoring uses, so that the classifier also learns faces as the detector delivers them
 * (small, blurred, turned, in crowds). The halves are fixed by the photo's file name (hash parity), the same split
 * src/bench/faces-benchmark.sh evaluates on, so no evaluation photo is ever trained on.
 *
 * <p>FaceCropsExport VOC_FOLDER OUT_FOLDER HALF(0|1) MARGIN
 */
public final class FaceCropsExport {
    public static void main(String[] args) throws Exception {
        Path voc = Path.of(args[0]);
        Path out = Path.of(args[1]);
        int half = Integer.parseInt(args[2]);
        double margin = Double.parseDouble(args[3]);
        ImageDecoder decoder = new ImageDecoder(40_000_000);
        int photos = 0;
        int faces = 0;
        try (Stream<Path> files = Files.list(voc.resolve("annotations"))) {
            for (Path xml : files.sorted().toList()) {
                VocAnnotation a = VocAnnotation.parse(Files.readAllBytes(xml));
                if (!inHalf(a.filename(), half)) {
                    continue;
                }
                RgbImage photo = decoder.decode(Files.readAllBytes(voc.resolve("images").resolve(a.filename()))).image();
                photos++;
                List<VocAnnotation.Face> list = a.faces();
                for (int i = 0; i < list.size(); i++) {
                    VocAnnotation.Face f = list.get(i);
                    if (f.label().equals(FaceMetrics.INCORRECT)) {
                        continue;
                    }
                    Path dir = Files.createDirectories(out.resolve(f.label()));
                    String name = a.filename().replaceFirst("\\.[^.]+$", "") + "_face" + i + ".png";
                    ImageIO.write(toImage(FaceCrop.crop(photo, f.box(), margin)), "png", dir.resolve(name).toFile());
                    faces++;
                }
            }
        }
        System.out.printf("exported %d faces of %d photos (half %d, margin %.2f) to %s%n", faces, photos, half, margin, out);
    }

    /** The deterministic half a photo belongs to. */
    public static boolean inHalf(String filename, int half) {
        return Math.floorMod(filename.hashCode(), 2) == half;
    }

    private static BufferedImage toImage(RgbImage img) {
        BufferedImage out = new BufferedImage(img.width(), img.height(), BufferedImage.TYPE_3BYTE_BGR);
        byte[] p = img.rgb();
        for (int y = 0; y < img.height(); y++) {
            for (int x = 0; x < img.width(); x++) {
                int i = (y * img.width() + x) * 3;
                out.setRGB(x, y, (p[i] & 0xFF) << 16 | (p[i + 1] & 0xFF) << 8 | (p[i + 2] & 0xFF));
            }
        }
        return out;
    }
}
