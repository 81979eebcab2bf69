package org.facemask.report;

import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A self-contained HTML page built up in order: every text goes through {@link #escape}, images are data URIs,
 * charts inline SVG. The page forbids itself any script and any fetch (its Content-Security-Policy), so a report
 * opened on an offline laptop looks the same as anywhere, and a file name that holds markup stays text.
 */
final class Html {
    /** Narrow screens get one column; print drops the background and keeps sections whole. */
    private static final String STYLE = """
            body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;padding:12px;max-width:1100px;color:#1b1f24}
            h1{font-size:1.5em;margin:.3em 0}h2{font-size:1.2em;margin:1.4em 0 .4em;border-bottom:1px solid #d0d7de}
            section{break-inside:avoid}
            table{border-collapse:collapse;margin:.4em 0;max-width:100%;display:block;overflow-x:auto}
            th,td{border:1px solid #d0d7de;padding:3px 8px;text-align:left;vertical-align:top}
            td:last-child{overflow-wrap:anywhere}
            td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
            .charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:12px}
            svg{width:100%;height:auto;max-width:560px}
            .gallery{display:grid;grid-template-columns:repeat(auto-fill,minmax(130px,1fr));gap:8px}
            figure{margin:0;font-size:.8em;overflow-wrap:anywhere}figure img{width:100%;image-rendering:pixelated}
            img.photo{max-width:100%}
            .muted{color:#57606a}.up{color:#b35900}.bad{color:#cf222e}
            @media print{body{max-width:none;font-size:11px}a{color:inherit}}
            """;
    private final StringBuilder out = new StringBuilder();

    Html(String title) {
        out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
                        + "style-src 'unsafe-inline'\">")
                .append("<title>").append(escape(title)).append("</title><style>").append(STYLE)
                .append("</style></head><body>\n<h1>").append(escape(title)).append("</h1>\n");
    }

    /** Text safe inside an element or a quoted attribute. */
    static String escape(String text) {
        StringBuilder s = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> s.append("&lt;");
                case '>' -> s.append("&gt;");
                case '&' -> s.append("&amp;");
                case '"' -> s.append("&quot;");
                case '\'' -> s.append("&#39;");
                default -> s.append(c);
            }
        }
        return s.toString();
    }

    /** A number as the report shows it: integers as they are, fractions to four places, missing as "n/a". */
    static String number(Object value) {
        return number(value, 4);
    }

    /** A number with {@code places} decimals when it is a fraction (seconds: 1). */
    static String number(Object value, int places) {
        if (value == null || value instanceof Double d && d.isNaN()) {
            return "n/a";
        }
        if (value instanceof Double || value instanceof Float) {
            return String.format(Locale.ROOT, "%." + places + "f", ((Number) value).doubleValue());
        }
        return String.valueOf(value);
    }

    static String dataUri(String mediaType, byte[] bytes) {
        return "data:" + mediaType + ";base64," + Base64.getEncoder().encodeToString(bytes);
    }

    Html section(String heading) {
        out.append("<section><h2>").append(escape(heading)).append("</h2>\n");
        return this;
    }

    Html endSection() {
        out.append("</section>\n");
        return this;
    }

    Html paragraph(String text) {
        return paragraph(text, "");
    }

    Html paragraph(String text, String cssClass) {
        out.append(cssClass.isEmpty() ? "<p>" : "<p class=\"" + cssClass + "\">").append(escape(text)).append("</p>\n");
        return this;
    }

    /**
     * A table; numbers are right-aligned. A cell's {@code key}, when given, is written as {@code data-key} so that a
     * reader (and the browser test) finds a figure without parsing the layout. A line break in a cell's text breaks
     * the line.
     */
    Html table(List<String> header, List<List<Cell>> rows) {
        out.append("<table><thead><tr>");
        for (String h : header) {
            out.append("<th>").append(escape(h)).append("</th>");
        }
        out.append("</tr></thead><tbody>\n");
        for (List<Cell> row : rows) {
            out.append("<tr>");
            for (Cell c : row) {
                out.append(c.numeric() ? "<td class=\"n\"" : "<td");
                if (c.key() != null) {
                    out.append(" data-key=\"").append(escape(c.key())).append('"');
                }
                if (c.style() != null) {
                    out.append(" style=\"").append(escape(c.style())).append('"');
                }
                out.append('>').append(escape(c.text()).replace("\n", "<br>")).append("</td>");
            }
            out.append("</tr>\n");
        }
        out.append("</tbody></table>\n");
        return this;
    }

    /** Name-value rows; nested maps are flattened to dotted names, lists joined. */
    Html keyValues(Map<String, ?> values) {
        List<List<Cell>> rows = new java.util.ArrayList<>();
        flatten("", values, rows);
        return table(List.of("setting", "value"), rows);
    }

    private static void flatten(String prefix, Map<String, ?> values, List<List<Cell>> rows) {
        values.forEach((name, value) -> {
            if (value instanceof Map<?, ?> nested) {
                @SuppressWarnings("unchecked")
                Map<String, ?> m = (Map<String, ?>) nested;
                flatten(prefix + name + ".", m, rows);
            } else {
                rows.add(List.of(Cell.text(prefix + name), Cell.text(value instanceof Number ? number(value)
                        : String.valueOf(value))));
            }
        });
    }

    /** Inline SVG made by {@link SvgChart}: already escaped. */
    Html charts(List<String> svgs) {
        out.append("<div class=\"charts\">");
        svgs.forEach(out::append);
        out.append("</div>\n");
        return this;
    }

    Html image(String mediaType, byte[] bytes, String alt) {
        out.append("<img class=\"photo\" alt=\"").append(escape(alt)).append("\" src=\"")
                .append(dataUri(mediaType, bytes)).append("\">\n");
        return this;
    }

    /** Thumbnails with their captions (one line each); the alt text is also the tooltip. */
    Html gallery(List<Figure> figures) {
        out.append("<div class=\"gallery\">");
        for (Figure f : figures) {
            out.append("<figure><img alt=\"").append(escape(f.alt())).append("\" title=\"").append(escape(f.alt()))
                    .append("\" src=\"")
                    .append(dataUri(f.mediaType(), f.bytes())).append("\"><figcaption>");
            for (int i = 0; i < f.caption().size(); i++) {
                out.append(i == 0 ? "" : "<br>").append(escape(f.caption().get(i)));
            }
            out.append("</figcaption></figure>");
        }
        out.append("</div>\n");
        return this;
    }

    String render() {
        return out + "<p class=\"muted\">Written by the facemask pipeline; self-contained: no script, no network.</p>\n"
                + "</body></html>\n";
    }

    record Cell(String text, boolean numeric, String key, String style) {
        static Cell text(String text) {
            return new Cell(text, false, null, null);
        }

        static Cell number(Object value) {
            return new Cell(Html.number(value), true, null, null);
        }

        static Cell seconds(Object value) {
            return new Cell(Html.number(value, 1), true, null, null);
        }

        /** A figure the browser test reads back by its key. */
        static Cell number(Object value, String key) {
            return new Cell(Html.number(value), true, key, null);
        }

        Cell shaded(double share) {
            int light = (int) Math.round(255 - 150 * Math.max(0, Math.min(1, share)));
            return new Cell(text, numeric, key, "background:rgb(" + light + "," + light + ",255)");
        }
    }

    record Figure(String mediaType, byte[] bytes, String alt, List<String> caption) {
    }
}
