package org.facemask.report;

import org.facemask.evaluate.Metrics;
import org.facemask.testing.HeadlessChromium;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The browser check itself, and what a rendered report does with hostile file names, in headless Chromium. */
class ReportPageTest {
    /** A file name as a camera folder or an upload can hold it: markup, an entity, both quotes. */
    static final String HOSTILE = "/data/cam <1>/<script>alert('x')</script>&amp;\"q\".jpg";
    @TempDir
    static Path tmp;
    static HeadlessChromium chromium;

    @BeforeAll
    static void startChromium() throws Exception {
        chromium = HeadlessChromium.start(tmp.resolve("profile"));
    }

    @AfterAll
    static void stopChromium() {
        if (chromium != null) {
            chromium.close();
        }
    }

    private static HeadlessChromium.Page open(String name, String html, int width) throws Exception {
        Path file = tmp.resolve(name);
        Files.writeString(file, html);
        return chromium.open(file, width);
    }

    /** The checker must catch each kind of failure, or the report tests could pass on a broken page. */
    @Test
    void checkerCatchesABrokenImageAConsoleErrorAnExceptionAndABlockedFetch() throws Exception {
        String good = Html.dataUri("image/jpeg", Misclassified.jpeg(square(Color.RED)));
        HeadlessChromium.Page clean = open("clean.html", "<!DOCTYPE html><html><body><img alt=\"fine\" src=\"" + good
                + "\"></body></html>", 800);
        assertEquals(List.of(), clean.problems());

        HeadlessChromium.Page broken = open("broken.html", "<!DOCTYPE html><html><head><meta http-equiv="
                + "\"Content-Security-Policy\" content=\"img-src data:\"></head><body>"
                + "<img alt=\"fine\" src=\"" + good + "\">"
                + "<img alt=\"cut\" src=\"" + good.substring(0, good.length() / 3) + "\">"
                + "<img alt=\"fetched\" src=\"https://example.com/a.png\">"
                + "<script>console.error('boom'); notAFunction();</script></body></html>", 800);
        String all = String.join("\n", broken.problems());
        assertTrue(all.contains("broken image: cut"), all);
        assertTrue(all.contains("broken image: fetched"), all);
        assertTrue(all.contains("Content Security Policy"), "the blocked fetch is logged: " + all);
        assertTrue(all.contains("console error") && all.contains("boom"), all);
        assertTrue(all.contains("exception") && all.contains("notAFunction"), all);
        assertTrue(!all.contains("broken image: fine"), all);
    }

    @Test
    void aFileNameWithMarkupShowsAsTextAndThePageRunsNoScript() throws Exception {
        HeadlessChromium.Page page = open("report.html", render(Misclassified.jpeg(square(Color.BLUE))), 1000);
        assertEquals(List.of(), page.problems());
        assertEquals(0, chromium.evaluate("document.scripts.length").asInt());
        assertEquals(HOSTILE.substring(HOSTILE.lastIndexOf('/') + 1),
                chromium.evaluate("document.querySelector('figcaption').lastChild.textContent").asText());
        assertEquals(HOSTILE, chromium.evaluate("document.querySelector('figure img').alt").asText());
        assertEquals(HOSTILE, chromium.evaluate("document.querySelector('figure img').title").asText());
        assertTrue(chromium.evaluate("document.title").asText().endsWith(HOSTILE));
        assertEquals("0.7500", chromium.evaluate("document.querySelector('[data-key=accuracy]').textContent").asText());
        assertTrue(page.screenshotPng().length > 1000);
    }

    @Test
    void aReportWithABrokenThumbnailFails() throws Exception {
        HeadlessChromium.Page page = open("broken-report.html", render("not a JPEG".getBytes()), 1000);
        assertEquals(List.of("broken image: " + HOSTILE), page.problems());
    }

    /** Readable on a phone: nothing wider than the screen (wide tables scroll inside themselves). */
    @Test
    void aPhoneNeedsNoSidewaysScrolling() throws Exception {
        HeadlessChromium.Page page = open("phone.html", render(Misclassified.jpeg(square(Color.BLUE))), 390);
        assertEquals(List.of(), page.problems());
        assertTrue(chromium.evaluate("document.documentElement.scrollWidth").asInt() <= 390,
                chromium.evaluate("document.documentElement.scrollWidth").toString());
    }

    /** Four images, three right: one with_mask image predicted without_mask with p 0.9. */
    private static String render(byte[] thumbnail) {
        List<String> classes = List.of("with_mask", "without_mask");
        Metrics metrics = Metrics.compute(classes, new int[]{0, 0, 1, 1},
                new float[][]{{0.8f, 0.2f}, {0.1f, 0.9f}, {0.3f, 0.7f}, {0.4f, 0.6f}});
        Misclassified wrong = new Misclassified(List.of(new Misclassified.Image(HOSTILE, "with_mask", "without_mask",
                0.9, thumbnail)), 1);
        return ClassificationReport.render("Evaluation: " + HOSTILE, Map.of("input", HOSTILE), metrics.toMap(),
                metrics, wrong);
    }

    static BufferedImage square(Color colour) {
        BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(colour);
        g.fillRect(0, 0, 32, 32);
        g.dispose();
        return image;
    }
}
