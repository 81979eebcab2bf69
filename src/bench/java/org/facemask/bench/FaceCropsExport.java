package org.facemask.bench;

import org.facemask.detect.FaceCrop;
import org.facemask.evaluate.FaceMetrics;
import org.facemask.prepare.VocAnnotation;
import org.facemask.image.ImageDecoder;
import org.facemask.image.JpegDecoder;
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
 * <p>FaceCropsExport VOC_FOLDER OUT_FOLDER HALF(0|1) MARGIN [CLASS_TO_MIRROR]: the optional class also gets a
 * mirrored copy of each face, to even out classes (the multi-face set has four masked faces for each unmasked).
 */
public final class FaceCropsExport {
    public static void main(String[] args) throws Exception {
        if (args[0].equals("--half")) {
            linkHalf(Path.of(args[1]), Path.of(args[2]), Integer.parseInt(args[3]));
            return;
        }
        Path voc = Path.of(args[0]);
        Path out = Path.of(args[1]);
        int half = Integer.parseInt(args[2]);
        double margin = Double.parseDouble(args[3]);
        String mirrored = args.length > 4 ? args[4] : "";
        ImageDecoder decoder = new ImageDecoder(40_000_000, JpegDecoder.AUTO);
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
                    BufferedImage crop = FaceCrop.crop(photo, f.box(), margin).toBufferedImage();
                    ImageIO.write(crop, "png", dir.resolve(name).toFile());
                    faces++;
                    if (f.label().equals(mirrored)) {
                        ImageIO.write(mirror(crop), "png", dir.resolve(name.replace(".png", "_mirrored.png")).toFile());
                        faces++;
                    }
                }
            }
        }
        System.out.printf("exported %d faces of %d photos (half %d, margin %.2f) to %s%n", faces, photos, half, margin, out);
    }

    /** --half VOC OUT HALF: a VOC folder of one half's photos and annotations, as symbolic links. */
    static void linkHalf(Path voc, Path out, int half) throws Exception {
        Files.createDirectories(out.resolve("images"));
        Files.createDirectories(out.resolve("annotations"));
        int photos = 0;
        try (Stream<Path> files = Files.list(voc.resolve("annotations"))) {
            for (Path xml : files.sorted().toList()) {
                VocAnnotation a = VocAnnotation.parse(Files.readAllBytes(xml));
                if (inHalf(a.filename(), half)) {
                    Files.createSymbolicLink(out.resolve("annotations").resolve(xml.getFileName()), xml.toAbsolutePath());
                    Files.createSymbolicLink(out.resolve("images").resolve(a.filename()),
                            voc.resolve("images").resolve(a.filename()).toAbsolutePath());
                    photos++;
                }
            }
        }
        System.out.printf("linked %d photos of half %d to %s%n", photos, half, out);
    }

    /** The deterministic half a photo belongs to. */
    public static boolean inHalf(String filename, int half) {
        return Math.floorMod(filename.hashCode(), 2) == half;
    }

    private static BufferedImage mirror(BufferedImage img) {
        BufferedImage out = new BufferedImage(img.getWidth(), img.getHeight(), img.getType());
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                out.setRGB(img.getWidth() - 1 - x, y, img.getRGB(x, y));
            }
        }
        return out;
    }
}
