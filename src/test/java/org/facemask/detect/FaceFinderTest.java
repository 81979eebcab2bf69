package org.facemask.detect;

import org.facemask.config.FacesSettings;
import org.facemask.config.FacesSettings.Fusion;
import org.facemask.image.RgbImage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The passes, their merging and the second look, with a detector whose answers are known: it boxes the white
 * square of the picture (confidence 0.9), and on pictures at least 400 px wide also "sees" a face at a fixed spot
 * of the grey background (confidence 0.8), as a real detector sees one in a pattern of a large photo.
 */
class FaceFinderTest {
    static final FaceBox SQUARE = new FaceBox(300, 100, 60, 60, 1f);

    /** A 600x300 grey picture with a white 60 px square at (300, 100). */
    static RgbImage picture() {
        byte[] rgb = new byte[600 * 300 * 3];
        java.util.Arrays.fill(rgb, (byte) 90);
        for (int y = 100; y < 160; y++) {
            for (int x = 300; x < 360; x++) {
                java.util.Arrays.fill(rgb, (y * 600 + x) * 3, (y * 600 + x) * 3 + 3, (byte) 255);
            }
        }
        return new RgbImage(600, 300, rgb);
    }

    static final class SquareAndPattern implements FaceDetector {
        final List<Integer> widthsSeen = new ArrayList<>();

        @Override
        public List<FaceBox> detect(RgbImage image) {
            widthsSeen.add(image.width());
            List<FaceBox> boxes = new ArrayList<>();
            int x0 = Integer.MAX_VALUE, y0 = Integer.MAX_VALUE, x1 = -1, y1 = -1;
            for (int y = 0; y < image.height(); y++) {
                for (int x = 0; x < image.width(); x++) {
                    if (image.channel(x, y, 0) > 200) {
                        x0 = Math.min(x0, x);
                        y0 = Math.min(y0, y);
                        x1 = Math.max(x1, x + 1);
                        y1 = Math.max(y1, y + 1);
                    }
                }
            }
            if (x1 > 0) {
                boxes.add(new FaceBox(x0, y0, x1 - x0, y1 - y0, 0.9f));
            }
            if (image.width() >= 400) {
                boxes.add(new FaceBox(40, 40, 50, 50, 0.8f));
            }
            return boxes;
        }

        @Override
        public void close() {
        }
    }

    static List<FaceBox> find(SquareAndPattern detector, boolean flip, Fusion fusion, int verifySide) {
        return find(detector, flip, fusion, verifySide, 32);
    }

    static List<FaceBox> find(SquareAndPattern detector, boolean flip, Fusion fusion, int verifySide, int verifyMinSize) {
        FacesSettings settings = new FacesSettings(FacesSettings.Detector.YUNET, null, null, 0.5, 0.3, 8, 0.15,
                List.of(600), FacesSettings.BoxAdjust.NONE, flip, fusion, verifySide, verifyMinSize);
        try (FaceFinder finder = new FaceFinder(detector, settings)) {
            return finder.find(picture());
        }
    }

    static void assertBox(FaceBox expected, FaceBox actual) {
        assertEquals(expected.x(), actual.x(), 1e-9, actual.toString());
        assertEquals(expected.y(), actual.y(), 1e-9, actual.toString());
        assertEquals(expected.w(), actual.w(), 1e-9, actual.toString());
        assertEquals(expected.h(), actual.h(), 1e-9, actual.toString());
    }

    @Test
    void oneLookKeepsWhatTheDetectorSees() {
        List<FaceBox> found = find(new SquareAndPattern(), false, Fusion.NMS, 0);
        assertEquals(2, found.size(), found.toString());
        assertBox(new FaceBox(40, 40, 50, 50, 0.8f), found.get(0));
        assertBox(SQUARE, found.get(1));
    }

    /** The mirrored pass's boxes come back where the face is: the square's two boxes fuse into the square itself. */
    @Test
    void flippedBoxesAreMirroredBackAndFusionDropsWhatOnlyOnePassSaw() {
        SquareAndPattern detector = new SquareAndPattern();
        List<FaceBox> fused = find(detector, true, Fusion.WBF, 0);
        assertEquals(List.of(600, 600), detector.widthsSeen, "the picture and its mirror image");
        assertEquals(1, fused.size(), "the background box, seen at (40, 40) and, mirrored, at (510, 40), halves to 0.4: "
                + fused);
        assertBox(SQUARE, fused.get(0));
        assertEquals(0.9f, fused.get(0).confidence(), 1e-6, "seen in both passes");

        List<FaceBox> suppressed = find(new SquareAndPattern(), true, Fusion.NMS, 0);
        assertEquals(3, suppressed.size(), "suppression keeps each pass's background box: " + suppressed);
        assertBox(new FaceBox(600 - 40 - 50, 40, 50, 50, 0.8f), suppressed.get(2));
    }

    /** The second look at each box's surroundings finds the square again, not the pattern of the large picture. */
    @Test
    void theSecondLookDropsABoxTheDetectorDoesNotFindAgain() {
        SquareAndPattern detector = new SquareAndPattern();
        List<FaceBox> verified = find(detector, false, Fusion.NMS, 160);
        assertEquals(1, verified.size(), verified.toString());
        assertBox(SQUARE, verified.get(0));
        assertEquals(3, detector.widthsSeen.size(), "one look at the picture, one at each box: " + detector.widthsSeen);
        assertTrue(detector.widthsSeen.subList(1, 3).stream().allMatch(w -> w == 160), detector.widthsSeen.toString());

        SquareAndPattern onlyLarge = new SquareAndPattern();
        List<FaceBox> largeVerified = find(onlyLarge, false, Fusion.NMS, 160, 55);
        assertEquals(2, largeVerified.size(), "the 50 px box is under verify-min-size, so it stays: " + largeVerified);
        assertEquals(2, onlyLarge.widthsSeen.size(), "only the 60 px square was looked at again: " + onlyLarge.widthsSeen);
    }

    @Test
    void weightedFusionAveragesCornersByConfidence() {
        FaceBox strong = new FaceBox(0, 0, 10, 10, 0.8f);
        FaceBox weak = new FaceBox(3, 0, 10, 10, 0.4f);
        FaceBox apart = new FaceBox(100, 100, 10, 10, 0.9f);
        List<FaceBox> fused = BoxFusion.weighted(List.of(List.of(strong, apart), List.of(weak)), 0.3, 0.5);
        assertEquals(1, fused.size(), "the box only one of two passes saw: 0.45 < 0.5: " + fused);
        assertBox(new FaceBox(1, 0, 10, 10, 1f), fused.get(0));
        assertEquals(0.6f, fused.get(0).confidence(), 1e-6, "(0.8 + 0.4) / 2 passes");
        assertEquals(2, BoxFusion.weighted(List.of(List.of(strong, apart), List.of(weak)), 0.3, 0.4).size());

        FaceBox unsure = new FaceBox(0, 0, 10, 10, 0f);
        List<FaceBox> zero = BoxFusion.weighted(List.of(List.of(unsure), List.of(unsure.moved(2, 0))), 0.3, 0);
        assertBox(new FaceBox(1, 0, 10, 10, 0f), zero.get(0));
        assertEquals(0f, zero.get(0).confidence(), 1e-6, "boxes of confidence 0 (faces.confidence = 0) fuse too");
    }
}
