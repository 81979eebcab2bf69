package org.facemask.evaluate;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** The report's charts as PNG bytes: training curves, confusion matrix, ROC; and the look of every chart. */
public final class Plots {
    private static final int WIDTH = 800;
    private static final int HEIGHT = 560;
    /** Series colours, colour-blind safe (Okabe-Ito). */
    private static final Color[] COLOURS = {new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73),
            new Color(0xCC79A7), new Color(0xE69F00), new Color(0x56B4E9)};

    private Plots() {
    }

    /**
     * White background, light grid lines, colour-blind safe series colours and a plain sans-serif title: the look
     * of every chart, PNG here or SVG in report.html (JFreeChart's default is a grey plot area).
     */
    public static JFreeChart styled(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        Plot plot = chart.getPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlineVisible(false);
        Color grid = new Color(0xDDDDDD);
        if (plot instanceof XYPlot xy) {
            xy.setDomainGridlinePaint(grid);
            xy.setRangeGridlinePaint(grid);
            for (int k = 0; k < COLOURS.length; k++) {
                xy.getRenderer().setSeriesPaint(k, COLOURS[k]);
            }
        } else if (plot instanceof CategoryPlot category) {
            category.setRangeGridlinePaint(grid);
            for (int k = 0; k < COLOURS.length; k++) {
                category.getRenderer().setSeriesPaint(k, COLOURS[k]);
            }
        }
        return chart;
    }

    /** @param series name -> (x, y) points, e.g. "train loss" -> (epoch, loss) */
    public static byte[] lines(String title, String xLabel, String yLabel, Map<String, double[][]> series) {
        XYSeriesCollection data = new XYSeriesCollection();
        series.forEach((name, points) -> {
            XYSeries s = new XYSeries(name);
            for (double[] p : points) {
                s.add(p[0], p[1]);
            }
            data.addSeries(s);
        });
        return png(ChartFactory.createXYLineChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL, true, false,
                false));
    }

    public static byte[] roc(List<Metrics.Roc> curves) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Metrics.Roc r : curves) {
            XYSeries s = new XYSeries(r.positiveClass() + String.format(" (AUC %.4f)", r.auc()), false);
            for (int i = 0; i < r.fpr().length; i++) {
                s.add(r.fpr()[i], r.tpr()[i]);
            }
            data.addSeries(s);
        }
        XYSeries chance = new XYSeries("chance", false);
        chance.add(0, 0);
        chance.add(1, 1);
        data.addSeries(chance);
        return png(ChartFactory.createXYLineChart("ROC (one class against the rest)", "false positive rate",
                "true positive rate", data, PlotOrientation.VERTICAL, true, false, false));
    }

    /** A grid of counts, darker for larger shares of the true class's row. */
    public static byte[] confusion(List<String> classes, long[][] matrix) {
        int n = classes.size();
        int cell = 140;
        int left = 200;
        int top = 110;
        BufferedImage img = new BufferedImage(Math.max(left + n * cell + 40, 640), top + n * cell + 60,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        g.drawString("Confusion matrix (rows: true, columns: predicted)", 20, 35);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
        for (int i = 0; i < n; i++) {
            g.drawString(classes.get(i), left + i * cell + 10, top - 15);
            g.drawString(classes.get(i), 20, top + i * cell + cell / 2);
            long rowTotal = 0;
            for (long v : matrix[i]) {
                rowTotal += v;
            }
            for (int j = 0; j < n; j++) {
                double share = rowTotal == 0 ? 0 : (double) matrix[i][j] / rowTotal;
                int shade = (int) (255 - 200 * share);
                g.setColor(new Color(shade, shade, 255));
                g.fillRect(left + j * cell, top + i * cell, cell, cell);
                g.setColor(Color.DARK_GRAY);
                g.drawRect(left + j * cell, top + i * cell, cell, cell);
                g.setColor(share > 0.6 ? Color.WHITE : Color.BLACK);
                g.drawString(String.valueOf(matrix[i][j]), left + j * cell + cell / 2 - 15, top + i * cell + cell / 2);
            }
        }
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            javax.imageio.ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] png(JFreeChart chart) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ChartUtils.writeChartAsPNG(out, styled(chart), WIDTH, HEIGHT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
