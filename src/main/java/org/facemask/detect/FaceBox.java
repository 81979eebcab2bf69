package org.facemask.detect;

import java.io.Serializable;

/**
 * A face's box in pixels of the upright image it was found in (x, y = top-left corner), and the detector's
 * confidence (1 for annotated boxes).
 */
public record FaceBox(double x, double y, double w, double h, float confidence) implements Serializable {
    public double area() {
        return Math.max(0, w) * Math.max(0, h);
    }

    /** Intersection over union: 0 for disjoint boxes, 1 for identical ones. */
    public double iou(FaceBox o) {
        double ix = Math.min(x + w, o.x + o.w) - Math.max(x, o.x);
        double iy = Math.min(y + h, o.y + o.h) - Math.max(y, o.y);
        if (ix <= 0 || iy <= 0) {
            return 0;
        }
        double intersection = ix * iy;
        return intersection / (area() + o.area() - intersection);
    }

    /** The same box in an image {@code factor} times as large. */
    public FaceBox scaled(double factor) {
        return new FaceBox(x * factor, y * factor, w * factor, h * factor, confidence);
    }

    /** The same box {@code dx}, {@code dy} pixels further right and down. */
    public FaceBox moved(double dx, double dy) {
        return new FaceBox(x + dx, y + dy, w, h, confidence);
    }

    /** Clipped to a width x height image; may become empty (w or h 0). */
    public FaceBox clippedTo(int width, int height) {
        double x0 = Math.max(0, x);
        double y0 = Math.max(0, y);
        double x1 = Math.min(width, x + w);
        double y1 = Math.min(height, y + h);
        return new FaceBox(x0, y0, Math.max(0, x1 - x0), Math.max(0, y1 - y0), confidence);
    }
}
