package org.facemask.detect;

import org.facemask.image.RgbImage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FaceGeometryTest {
    @Test
    void intersectionOverUnion() {
        FaceBox a = new FaceBox(0, 0, 10, 10, 1f);
        assertEquals(1.0, a.iou(a), 1e-12);
        assertEquals(0.0, a.iou(new FaceBox(10, 0, 10, 10, 1f)), 1e-12, "touching is not overlapping");
        assertEquals(50.0 / 150.0, a.iou(new FaceBox(5, 0, 10, 10, 1f)), 1e-12);
        assertEquals(25.0 / 100.0, a.iou(new FaceBox(0, 0, 5, 5, 1f)), 1e-12, "a box inside another");
    }

    @Test
    void nonMaximumSuppressionKeepsTheMostConfidentOfOverlappingBoxes() {
        FaceBox strong = new FaceBox(0, 0, 10, 10, 0.9f);
        FaceBox weakOverlap = new FaceBox(1, 1, 10, 10, 0.6f);
        FaceBox apart = new FaceBox(50, 50, 10, 10, 0.5f);
        assertEquals(List.of(strong, apart), NonMaxSuppression.apply(List.of(weakOverlap, apart, strong), 0.3));
        assertEquals(List.of(strong, weakOverlap, apart), NonMaxSuppression.apply(List.of(weakOverlap, apart, strong), 0.9));
    }

    @Test
    void cropAddsTheMarginAndStaysInsideThePhoto() {
        byte[] rgb = new byte[100 * 50 * 3];
        for (int y = 0; y < 50; y++) {
            for (int x = 0; x < 100; x++) {
                rgb[(y * 100 + x) * 3] = (byte) x;
                rgb[(y * 100 + x) * 3 + 1] = (byte) y;
            }
        }
        RgbImage photo = new RgbImage(100, 50, rgb);
        RgbImage crop = FaceCrop.crop(photo, new FaceBox(40, 20, 20, 10, 1f), 0.5);
        assertEquals(40, crop.width());
        assertEquals(20, crop.height());
        assertEquals(30, crop.channel(0, 0, 0), "left edge at x = 40 - 0.5 * 20");
        assertEquals(15, crop.channel(0, 0, 1), "top edge at y = 20 - 0.5 * 10");
        RgbImage corner = FaceCrop.crop(photo, new FaceBox(90, 45, 20, 10, 1f), 0.25);
        assertEquals(15, corner.width(), "clipped at the right edge: 85..100");
        assertEquals(8, corner.height(), "clipped at the bottom: 42.5..50, whole pixels 42..49");
        assertEquals(85, corner.channel(0, 0, 0));
    }
}
