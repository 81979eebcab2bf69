package org.facemask.testing;

import org.facemask.detect.FaceBox;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A photo of several people made at test time: real face images of the shared dev set (read by path, never
 * committed) pasted side by side on a grey background, so the true face regions are known.
 */
public final class FaceCollage {
    public static final String[] FACES = {"without_mask/0_0_aidai_0014.jpg", "with_mask/0323.jpg",
        "without_mask/0_0_aidai_0029.jpg"};
    public static final int TILE = 180;
    public static final int GAP = 60;

    private FaceCollage() {
    }

    public record Collage(BufferedImage image, List<FaceBox> tiles) {
    }

    public static Collage make() throws IOException {
        Path dev = SharedFiles.require("datasets/face-mask-dev");
        BufferedImage canvas = new BufferedImage(GAP + FACES.length * (TILE + GAP), TILE + 2 * GAP, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        g.setColor(new Color(128, 128, 128));
        g.fillRect(0, 0, canvas.getWidth(), canvas.getHeight());
        List<FaceBox> tiles = new ArrayList<>();
        for (int i = 0; i < FACES.length; i++) {
            BufferedImage face = ImageIO.read(dev.resolve(FACES[i]).toFile());
            int x = GAP + i * (TILE + GAP);
            g.drawImage(face, x, GAP, TILE, TILE, null);
            tiles.add(new FaceBox(x, GAP, TILE, TILE, 1f));
        }
        g.dispose();
        return new Collage(canvas, tiles);
    }

    /** A photo with no face: smooth gradients and a few blocks. */
    public static BufferedImage noFaces() {
        BufferedImage img = new BufferedImage(480, 320, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                img.setRGB(x, y, new Color(x * 255 / 480, 90, y * 255 / 320).getRGB());
            }
        }
        return img;
    }
}
