package org.facemask.evaluate;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.ViewBox;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The reports' charts, each built once by JFreeChart and drawn either as a PNG (beside metrics.json) or as inline
 * SVG (report.html, through JFreeSVG: sharp on a phone and on paper, a few kilobytes, no script, nothing fetched):
 * training curves, ROC, histograms. The confusion matrix is a PNG only; report.html shows it as a shaded table.
 */
public final class Plots {
    private static final int PNG_WIDTH = 800;
    private static final int PNG_HEIGHT = 560;
    private static final int SVG_WIDTH = 560;
    private static final int SVG_HEIGHT = 340;
    /** Series colours, colour-blind safe (Okabe-Ito). */
    private static final Color[] COLOURS = {new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73),
            new Color(0xCC79A7), new Color(0xE69F00), new Color(0x56B4E9)};

    private Plots() {
    }

    /** A named line: (x, y) points in order; dashed for a reference line such as chance. */
    public record Series(String name, double[] x, double[] y, boolean dashed) {
        public Series(String name, double[] x, double[] y) {
            this(name, x, y, false);
        }
    }

    /** A chart, drawn as PNG or SVG with the same look. */
    public static final class Chart {
        private final JFreeChart chart;

        private Chart(JFreeChart chart) {
            this.chart = styled(chart);
        }

        public byte[] png() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                ChartUtils.writeChartAsPNG(out, chart, PNG_WIDTH, PNG_HEIGHT);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toByteArray();
        }

        /** One {@code <svg>} element that scales to its box (a view box, no fixed size). */
        public String svg() {
            SVGGraphics2D g = new SVGGraphics2D(SVG_WIDTH, SVG_HEIGHT);
            chart.draw(g, new Rectangle(0, 0, SVG_WIDTH, SVG_HEIGHT));
            return g.getSVGElement(null, false, new ViewBox(0, 0, SVG_WIDTH, SVG_HEIGHT), null, null);
        }
    }

    /**
     * White background, light grid lines, colour-blind safe series colours and a plain sans-serif title
     * (JFreeChart's default is a grey plot area).
     */
    private static JFreeChart styled(JFreeChart chart) {
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

    /** @param unitSquare both axes 0..1 (ROC); else the data's range, y from 0 and whole numbers on x (epochs) */
    public static Chart lines(String title, String xLabel, String yLabel, List<Series> series, boolean unitSquare) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Series s : series) {
            XYSeries line = new XYSeries(s.name(), false, true); // in the given order: a ROC curve goes back on x
            for (int i = 0; i < s.x().length; i++) {
                if (Double.isFinite(s.y()[i])) {
                    line.add(s.x()[i], s.y()[i]);
                }
            }
            data.addSeries(line);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL, true,
                false, false);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer renderer = (XYLineAndShapeRenderer) plot.getRenderer();
        for (int k = 0; k < series.size(); k++) {
            renderer.setSeriesShapesVisible(k, !unitSquare && !series.get(k).dashed());
            if (series.get(k).dashed()) {
                renderer.setSeriesStroke(k, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                        new float[]{6f, 4f}, 0f));
            }
        }
        NumberAxis x = (NumberAxis) plot.getDomainAxis();
        NumberAxis y = (NumberAxis) plot.getRangeAxis();
        if (unitSquare) {
            x.setRange(0, 1);
            y.setRange(0, 1);
        } else {
            x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
            y.setAutoRangeIncludesZero(true);
        }
        return new Chart(chart);
    }

    /** One curve per class against the rest, with its AUC, and the chance diagonal. */
    public static Chart roc(List<Metrics.Roc> curves) {
        List<Series> series = new ArrayList<>();
        for (Metrics.Roc r : curves) {
            series.add(new Series(r.positiveClass() + String.format(Locale.ROOT, " (AUC %.4f)", r.auc()), r.fpr(), r.tpr()));
        }
        series.add(new Series("chance", new double[]{0, 1}, new double[]{0, 1}, true));
        return lines("ROC (one class against the rest)", "false positive rate", "true positive rate", series, true);
    }

    /**
     * Loss, and validation accuracy, per epoch from a training run's metrics.json (its {@code epochs}, and
     * {@code fine_tune.epochs} continuing the head's on the x axis); none when it has no epochs (an evaluate run).
     */
    public static List<Chart> trainingCurves(Map<String, ?> metricsJson) {
        List<Map<String, Object>> head = epochList(metricsJson.get("epochs"));
        if (head.isEmpty()) {
            return List.of();
        }
        List<Series> loss = new ArrayList<>();
        List<Series> accuracy = new ArrayList<>();
        addCurves(head, 0, "", loss, accuracy);
        if (metricsJson.get("fine_tune") instanceof Map<?, ?> fineTune) {
            addCurves(epochList(fineTune.get("epochs")), head.size(), "fine-tuning ", loss, accuracy);
        }
        return List.of(lines("Loss", "epoch", "cross-entropy", loss, false),
                lines("Validation accuracy", "epoch", "accuracy", accuracy, false));
    }

    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> epochList(Object value) {
        return value instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }

    private static void addCurves(List<Map<String, Object>> epochs, int firstEpoch, String stage, List<Series> loss,
                                  List<Series> accuracy) {
        if (epochs.isEmpty()) {
            return;
        }
        double[] x = epochs.stream().mapToDouble(e -> firstEpoch + ((Number) e.get("epoch")).doubleValue()).toArray();
        loss.add(new Series(stage + "train loss", x, values(epochs, "train_loss")));
        loss.add(new Series(stage + "validation loss", x, values(epochs, "val_loss")));
        accuracy.add(new Series(stage + "validation accuracy", x, values(epochs, "val_accuracy")));
    }

    private static double[] values(List<Map<String, Object>> epochs, String key) {
        return epochs.stream().mapToDouble(e -> ((Number) e.get(key)).doubleValue()).toArray();
    }

    /** One group of bars per category, one bar a series (e.g. a histogram per class); counts on the y axis. */
    public static Chart bars(String title, String xLabel, String yLabel, List<String> categories, List<String> seriesNames,
                             List<double[]> values) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (int k = 0; k < seriesNames.size(); k++) {
            for (int b = 0; b < categories.size(); b++) {
                data.addValue(values.get(k)[b], seriesNames.get(k), categories.get(b));
            }
        }
        JFreeChart chart = ChartFactory.createBarChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL, true,
                false, false);
        BarRenderer renderer = (BarRenderer) chart.getCategoryPlot().getRenderer();
        renderer.setBarPainter(new StandardBarPainter()); // flat bars: the default gradient and shadow add nothing
        renderer.setShadowVisible(false);
        chart.getCategoryPlot().getRangeAxis().setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        return new Chart(chart);
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
}
