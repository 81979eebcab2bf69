package org.facemask.report;

import org.facemask.evaluate.Plots;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
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
import java.awt.Rectangle;
import java.util.List;

/**
 * The reports' charts as inline SVG: line charts (training curves, ROC) and bar charts (histograms), drawn by
 * JFreeChart, the library of the PNGs beside metrics.json, onto JFreeSVG's Graphics2D (same authors, no
 * dependency of its own). Vector output stays sharp on a phone and on paper, weighs a few kilobytes and needs no
 * script; text is SVG text in the reader's sans-serif font, nothing is fetched.
 */
final class SvgChart {
    private static final int WIDTH = 560;
    private static final int HEIGHT = 340;

    private SvgChart() {
    }

    /** A named line: (x, y) points in order; dashed for a reference line such as chance. */
    record Series(String name, double[] x, double[] y, boolean dashed) {
        Series(String name, double[] x, double[] y) {
            this(name, x, y, false);
        }
    }

    /** @param unitSquare both axes 0..1 (ROC); else the data's range, y from 0 and whole numbers on x (epochs) */
    static String lines(String title, String xLabel, String yLabel, List<Series> series, boolean unitSquare) {
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
        JFreeChart chart = Plots.styled(ChartFactory.createXYLineChart(title, xLabel, yLabel, data,
                PlotOrientation.VERTICAL, true, false, false));
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
        return svg(chart);
    }

    /** One group of bars per category, one bar a series (e.g. a histogram per class); counts on the y axis. */
    static String bars(String title, String xLabel, String yLabel, List<String> categories, List<String> seriesNames,
                       List<double[]> values) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (int k = 0; k < seriesNames.size(); k++) {
            for (int b = 0; b < categories.size(); b++) {
                data.addValue(values.get(k)[b], seriesNames.get(k), categories.get(b));
            }
        }
        JFreeChart chart = Plots.styled(ChartFactory.createBarChart(title, xLabel, yLabel, data,
                PlotOrientation.VERTICAL, true, false, false));
        BarRenderer renderer = (BarRenderer) chart.getCategoryPlot().getRenderer();
        renderer.setBarPainter(new StandardBarPainter()); // flat bars: the default gradient and shadow add nothing
        renderer.setShadowVisible(false);
        chart.getCategoryPlot().getRangeAxis().setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        return svg(chart);
    }

    /** The chart as one {@code <svg>} element that scales to its box (a view box, no fixed size). */
    private static String svg(JFreeChart chart) {
        SVGGraphics2D g = new SVGGraphics2D(WIDTH, HEIGHT);
        chart.draw(g, new Rectangle(0, 0, WIDTH, HEIGHT));
        return g.getSVGElement(null, false, new ViewBox(0, 0, WIDTH, HEIGHT), null, null);
    }
}
