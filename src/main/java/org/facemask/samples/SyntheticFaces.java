package org.facemask.samples;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Arc2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Draws cartoon faces with and without a surgical/cloth mask, varied in skin and mask colour, background, head
 * pose (tilt, offset, scale) and picture size. They make the test fixtures and half of the committed
 * {@code data-samples/faces} set: images whose class is known by construction, owned by the project, with no licence
 * attached. Alone they teach a classifier nothing about real faces (data-samples/README.md).
 *
 * <p>Run: {@code java -cp target/facemask-pipeline.jar org.facemask.samples.SyntheticFaces data-samples/faces 24 7}
 */
public final class SyntheticFaces {
    private static final Color[] SKIN = {
        new Color(255, 224, 189), new Color(241, 194, 125), new Color(224, 172, 105),
        new Color(198, 134, 66), new Color(141, 85, 36), new Color(92, 56, 32)};
    private static final Color[] HAIR = {
        new Color(20, 20, 20), new Color(90, 60, 30), new Color(200, 170, 90), new Color(150, 40, 20),
        new Color(170, 170, 170)};
    private static final Color[] MASK = {
        new Color(130, 190, 230), new Color(245, 245, 245), new Color(30, 30, 35), new Color(90, 160, 120),
        new Color(230, 150, 180), new Color(60, 80, 160)};

    private final Random random;

    public SyntheticFaces(long seed) {
        this.random = new Random(seed);
    }

    /** A face picture, {@code size} pixels square, masked or not. */
    public BufferedImage draw(boolean masked, int size) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setPaint(new GradientPaint(0, 0, randomColor(), size, size, randomColor()));
        g.fillRect(0, 0, size, size);

        double scale = size * (0.75 + 0.2 * random.nextDouble());
        g.translate(size / 2.0 + (random.nextDouble() - 0.5) * size * 0.15,
                size / 2.0 + (random.nextDouble() - 0.5) * size * 0.15);
        g.rotate(Math.toRadians((random.nextDouble() - 0.5) * 40));
        g.scale(scale, scale);
        drawHead(g, masked);
        g.dispose();
        return img;
    }

    // coordinates below are in head units: the head is centred on (0, 0) and about 0.7 wide, 0.9 tall
    private void drawHead(Graphics2D g, boolean masked) {
        Color skin = SKIN[random.nextInt(SKIN.length)];
        g.setColor(HAIR[random.nextInt(HAIR.length)]);
        g.fill(new Ellipse2D.Double(-0.38, -0.5, 0.76, 0.6));
        g.setColor(skin);
        g.fill(new Ellipse2D.Double(-0.43, -0.08, 0.08, 0.18)); // ears
        g.fill(new Ellipse2D.Double(0.35, -0.08, 0.08, 0.18));
        g.fill(new Ellipse2D.Double(-0.36, -0.4, 0.72, 0.86));
        g.setStroke(new BasicStroke(0.02f));
        for (int side = -1; side <= 1; side += 2) {
            double x = side * 0.14;
            g.setColor(Color.WHITE);
            g.fill(new Ellipse2D.Double(x - 0.07, -0.1, 0.14, 0.08));
            g.setColor(new Color(40 + random.nextInt(80), 30 + random.nextInt(60), 20 + random.nextInt(40)));
            g.fill(new Ellipse2D.Double(x - 0.03, -0.095, 0.06, 0.07));
            g.setColor(skin.darker().darker());
            g.draw(new Arc2D.Double(x - 0.08, -0.2, 0.16, 0.08, 20, 140, Arc2D.OPEN)); // eyebrow
        }
        if (masked) {
            drawMask(g);
        } else {
            g.setColor(skin.darker());
            g.draw(new Arc2D.Double(-0.04, -0.02, 0.08, 0.16, 200, 140, Arc2D.OPEN)); // nose
            g.setColor(new Color(150 + random.nextInt(60), 50, 60));
            g.setStroke(new BasicStroke(0.025f));
            double smile = 0.04 + random.nextDouble() * 0.08;
            g.draw(new Arc2D.Double(-0.13, 0.16, 0.26, smile * 2, 200, 140, Arc2D.OPEN)); // mouth
        }
    }

    private void drawMask(Graphics2D g) {
        Color mask = MASK[random.nextInt(MASK.length)];
        Path2D.Double shape = new Path2D.Double();
        shape.moveTo(-0.33, 0.0);
        shape.curveTo(-0.15, -0.06, 0.15, -0.06, 0.33, 0.0);
        shape.lineTo(0.3, 0.25);
        shape.curveTo(0.15, 0.46, -0.15, 0.46, -0.3, 0.25);
        shape.closePath();
        g.setColor(mask);
        g.fill(shape);
        g.setColor(mask.darker());
        g.setStroke(new BasicStroke(0.012f));
        for (int i = 1; i <= 3; i++) { // pleats
            double y = 0.04 + i * 0.07;
            g.draw(new Arc2D.Double(-0.3, y - 0.03, 0.6, 0.06, 180, 180, Arc2D.OPEN));
        }
        g.setColor(new Color(230, 230, 230));
        g.draw(new java.awt.geom.Line2D.Double(-0.33, 0.02, -0.4, -0.03)); // ear loops
        g.draw(new java.awt.geom.Line2D.Double(0.33, 0.02, 0.4, -0.03));
    }

    private Color randomColor() {
        return new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256));
    }

    /** Writes {@code perClass} faces into {@code out/with_mask} and {@code out/without_mask}, JPEG and some PNG. */
    public void writeDataset(Path out, int perClass) throws IOException {
        for (String label : new String[]{"with_mask", "without_mask"}) {
            Path dir = Files.createDirectories(out.resolve(label));
            for (int i = 0; i < perClass; i++) {
                int size = 96 + random.nextInt(160);
                BufferedImage img = draw(label.equals("with_mask"), size);
                String format = i % 4 == 3 ? "png" : "jpg";
                ImageIO.write(img, format, dir.resolve(String.format("%s_%03d.%s", label, i, format)).toFile());
            }
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: SyntheticFaces <output folder> <images per class> <seed>");
            System.exit(2);
        }
        new SyntheticFaces(Long.parseLong(args[2])).writeDataset(Path.of(args[0]), Integer.parseInt(args[1]));
    }
}
