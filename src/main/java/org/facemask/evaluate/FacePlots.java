package org.facemask.evaluate;

import org.facemask.model.Prediction;

import org.facemask.prepare.VocAnnotation;
import org.facemask.detect.FaceBox;
import org.facemask.detect.ScoredFace;
import org.facemask.image.RgbImage;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** A PNG of a few photos: annotated faces in white, found faces coloured by predicted class with p and label. */
public final class FacePlots {
    private static final int TILE = 520;

    private FacePlots() {
    }

    public record Example(RgbImage photo, FaceMetrics.Photo result) {
    }

    public static byte[] examples(List<Example> examples, List<String> classes) {
        int cols = Math.min(2, examples.size());
        int rows = (examples.size() + cols - 1) / cols;
        int tileHeight = examples.stream().mapToInt(e -> (int) Math.ceil(e.photo().height() * (TILE / (double) e.photo().width())))
                .max().orElse(TILE);
        BufferedImage canvas = new BufferedImage(cols * TILE, rows * tileHeight + 24, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.DARK_GRAY);
        g.fillRect(0, 0, canvas.getWidth(), canvas.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(Color.WHITE);
        g.drawString("white: annotated face; green/red: found face predicted " + classes.get(0) + " / "
                + classes.get(classes.size() - 1) + " (probability of the predicted class)", 6, rows * tileHeight + 16);
        for (int i = 0; i < examples.size(); i++) {
            Example e = examples.get(i);
            double scale = TILE / (double) e.photo().width();
            int ox = (i % cols) * TILE;
            int oy = (i / cols) * tileHeight;
            g.drawImage(e.photo().toBufferedImage(), ox, oy, TILE, (int) Math.round(e.photo().height() * scale), null);
            g.setStroke(new BasicStroke(1.5f));
            g.setColor(Color.WHITE);
            for (VocAnnotation.Face f : e.result().truth()) {
                draw(g, f.box(), scale, ox, oy);
            }
            g.setStroke(new BasicStroke(2f));
            for (ScoredFace f : e.result().predicted()) {
                int k = Prediction.classIndex(f.probabilities());
                g.setColor(k == 0 ? new Color(40, 220, 60) : new Color(240, 50, 40));
                draw(g, f.box(), scale, ox, oy);
                g.drawString(String.format("%.2f", f.probabilities()[k]), (int) (ox + f.box().x() * scale),
                        (int) (oy + f.box().y() * scale) - 2);
            }
        }
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(canvas, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void draw(Graphics2D g, FaceBox b, double scale, int ox, int oy) {
        g.drawRect((int) Math.round(ox + b.x() * scale), (int) Math.round(oy + b.y() * scale),
                (int) Math.round(b.w() * scale), (int) Math.round(b.h() * scale));
    }
}
