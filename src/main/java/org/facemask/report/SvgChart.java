package org.facemask.report;

import java.util.List;
import java.util.Locale;

/**
 * The reports' charts as inline SVG: line charts (training curves, ROC) and bar charts (histograms). Our own
 * hundred lines rather than JFreeChart's PNGs: vector output stays sharp on a phone and on paper, weighs a few
 * kilobytes instead of tens, and needs no font or script. The PNGs JFreeChart writes beside metrics.json stay.
 */
final class SvgChart {
    private static final int WIDTH = 560;
    private static final int HEIGHT = 340;
    private static final int LEFT = 58;
    private static final int RIGHT = 16;
    private static final int TOP = 30;
    private static final int BOTTOM = 62;
    /** Colour-blind safe (Okabe-Ito). */
    private static final String[] COLOURS = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"};

    private SvgChart() {
    }

    /** A named line: (x, y) points in order; dashed for a reference line such as chance. */
    record Series(String name, double[] x, double[] y, boolean dashed) {
        Series(String name, double[] x, double[] y) {
            this(name, x, y, false);
        }
    }

    /** @param unitSquare both axes 0..1 (ROC); else the data's range, y from 0 */
    static String lines(String title, String xLabel, String yLabel, List<Series> series, boolean unitSquare) {
        double xMin = unitSquare ? 0 : Double.POSITIVE_INFINITY;
        double xMax = unitSquare ? 1 : Double.NEGATIVE_INFINITY;
        double yMax = unitSquare ? 1 : 0;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                if (!unitSquare && Double.isFinite(s.y()[i])) {
                    xMin = Math.min(xMin, s.x()[i]);
                    xMax = Math.max(xMax, s.x()[i]);
                    yMax = Math.max(yMax, s.y()[i]);
                }
            }
        }
        if (!(xMax > xMin)) {
            xMin = Double.isFinite(xMin) ? xMin - 1 : 0;
            xMax = xMin + 2;
        }
        yMax = unitSquare ? 1 : niceCeiling(yMax);
        Frame f = new Frame(xMin, xMax, 0, yMax);
        StringBuilder svg = open(title);
        f.axes(svg, xLabel, yLabel, unitSquare || xMax - xMin > 20 ? Ticks.DECIMAL : Ticks.INTEGER);
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            String colour = COLOURS[k % COLOURS.length];
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < s.x().length; i++) {
                if (Double.isFinite(s.y()[i])) {
                    points.append(fmt(f.px(s.x()[i]))).append(',').append(fmt(f.py(s.y()[i]))).append(' ');
                }
            }
            svg.append("<polyline fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"2\"")
                    .append(s.dashed() ? " stroke-dasharray=\"5 4\"" : "").append(" points=\"")
                    .append(points.toString().trim()).append("\"/>");
            if (!unitSquare) {
                for (int i = 0; i < s.x().length; i++) {
                    if (Double.isFinite(s.y()[i])) {
                        svg.append("<circle r=\"3\" fill=\"").append(colour).append("\" cx=\"").append(fmt(f.px(s.x()[i])))
                                .append("\" cy=\"").append(fmt(f.py(s.y()[i]))).append("\"/>");
                    }
                }
            }
        }
        legend(svg, series.stream().map(Series::name).toList());
        return svg.append("</svg>").toString();
    }

    /**
     * Bars side by side per category, one colour per series.
     *
     * @param categories the x axis, e.g. "0.0-0.1"
     * @param values     per series, one value per category
     */
    static String bars(String title, String xLabel, String yLabel, List<String> categories, List<String> seriesNames,
                       List<double[]> values) {
        double yMax = 0;
        for (double[] v : values) {
            for (double d : v) {
                yMax = Math.max(yMax, d);
            }
        }
        // counts: at least 0..4, so that the four grid lines fall on whole numbers
        Frame f = new Frame(0, categories.size(), 0, niceCeiling(Math.max(yMax, 4)));
        StringBuilder svg = open(title);
        f.axes(svg, xLabel, yLabel, Ticks.NONE); // the categories name the bars
        double slot = (f.px(1) - f.px(0)) * 0.8 / Math.max(1, values.size());
        for (int c = 0; c < categories.size(); c++) {
            for (int s = 0; s < values.size(); s++) {
                double v = values.get(s)[c];
                double x = f.px(c) + (f.px(1) - f.px(0)) * 0.1 + s * slot;
                svg.append("<rect fill=\"").append(COLOURS[s % COLOURS.length]).append("\" x=\"").append(fmt(x))
                        .append("\" y=\"").append(fmt(f.py(v))).append("\" width=\"").append(fmt(slot))
                        .append("\" height=\"").append(fmt(f.py(0) - f.py(v))).append("\"><title>")
                        .append(Html.escape(seriesNames.get(s) + " " + categories.get(c) + ": " + Html.number(v)))
                        .append("</title></rect>");
            }
            if (c % Math.max(1, categories.size() / 5) == 0) {
                text(svg, f.px(c + 0.5), HEIGHT - BOTTOM + 16, "middle", categories.get(c));
            }
        }
        legend(svg, seriesNames);
        return svg.append("</svg>").toString();
    }

    private static StringBuilder open(String title) {
        StringBuilder svg = new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + WIDTH + " "
                + HEIGHT + "\" role=\"img\" font-family=\"sans-serif\" font-size=\"12\"><title>" + Html.escape(title)
                + "</title><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>");
        svg.append("<text x=\"").append(WIDTH / 2).append("\" y=\"18\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">")
                .append(Html.escape(title)).append("</text>");
        return svg;
    }

    private static void legend(StringBuilder svg, List<String> names) {
        double x = LEFT;
        double y = HEIGHT - 12;
        for (int k = 0; k < names.size(); k++) {
            svg.append("<rect width=\"12\" height=\"4\" fill=\"").append(COLOURS[k % COLOURS.length]).append("\" x=\"")
                    .append(fmt(x)).append("\" y=\"").append(fmt(y - 5)).append("\"/>");
            text(svg, x + 16, y, "start", names.get(k));
            x += 28 + 6.5 * names.get(k).length();
        }
    }

    private static void text(StringBuilder svg, double x, double y, String anchor, String text) {
        svg.append("<text x=\"").append(fmt(x)).append("\" y=\"").append(fmt(y)).append("\" text-anchor=\"")
                .append(anchor).append("\">").append(Html.escape(text)).append("</text>");
    }

    /** 1, 2 or 5 times a power of ten, at least {@code v}. */
    static double niceCeiling(double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[]{1, 2, 5, 10}) {
            if (m * power >= v) {
                return m * power;
            }
        }
        return 10 * power;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** How the x axis is labelled: every integer (epochs), five decimal ticks, or not at all. */
    private enum Ticks { INTEGER, DECIMAL, NONE }

    /** The plot area and its scales. */
    private record Frame(double xMin, double xMax, double yMin, double yMax) {
        double px(double x) {
            return LEFT + (x - xMin) / (xMax - xMin) * (WIDTH - LEFT - RIGHT);
        }

        double py(double y) {
            return HEIGHT - BOTTOM - (y - yMin) / (yMax - yMin) * (HEIGHT - TOP - BOTTOM);
        }

        void axes(StringBuilder svg, String xLabel, String yLabel, Ticks xTicks) {
            svg.append("<g stroke=\"#d0d7de\">");
            for (int i = 0; i <= 4; i++) {
                double y = yMin + (yMax - yMin) * i / 4;
                svg.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y1=\"")
                        .append(fmt(py(y))).append("\" y2=\"").append(fmt(py(y))).append("\"/>");
            }
            svg.append("</g><g stroke=\"#57606a\"><line x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT)
                    .append("\" y1=\"").append(fmt(py(yMin))).append("\" y2=\"").append(fmt(py(yMin)))
                    .append("\"/><line x1=\"").append(LEFT).append("\" x2=\"").append(LEFT).append("\" y1=\"")
                    .append(TOP).append("\" y2=\"").append(fmt(py(yMin))).append("\"/></g>");
            for (int i = 0; i <= 4; i++) {
                double y = yMin + (yMax - yMin) * i / 4;
                text(svg, LEFT - 6, py(y) + 4, "end", trimmed(y));
            }
            if (xTicks == Ticks.INTEGER) {
                for (int x = (int) Math.ceil(xMin); x <= xMax; x++) {
                    text(svg, px(x), py(yMin) + 16, "middle", String.valueOf(x));
                }
            } else if (xTicks == Ticks.DECIMAL) {
                for (int i = 0; i <= 4; i++) {
                    double x = xMin + (xMax - xMin) * i / 4;
                    text(svg, px(x), py(yMin) + 16, "middle", trimmed(x));
                }
            }
            text(svg, (LEFT + WIDTH - RIGHT) / 2.0, HEIGHT - BOTTOM + 32, "middle", xLabel);
            svg.append("<text transform=\"translate(14 ").append(fmt((TOP + py(yMin)) / 2))
                    .append(") rotate(-90)\" text-anchor=\"middle\">").append(Html.escape(yLabel)).append("</text>");
        }

        private static String trimmed(double v) {
            String s = String.format(Locale.ROOT, "%.3f", v);
            return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
        }
    }
}
