package org.facemask.inference;

import org.facemask.config.FacesSettings;
import org.facemask.config.ImageSettings;
import org.facemask.detect.DetectorModel;
import org.facemask.image.ImageLoader;
import org.facemask.model.InferenceModel;
import org.facemask.model.Prediction;
import org.facemask.model.ShippedFile;
import org.facemask.samples.SyntheticFaces;
import org.facemask.storage.Sha256;
import org.facemask.testing.FaceCollage;
import org.facemask.testing.TestImages;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared scorer without Spark: every image once and in order, batches of the set size, reasons, faces. */
class ImageScorerTest {
    static final ImageSettings IMAGE = new ImageSettings(64, 40_000_000);
    static final List<String> CLASSES = List.of("with_mask", "without_mask");

    /** A stand-in network: p(with_mask) = the mean red of the image; records each batch's size. */
    static final class MeanRed implements InferenceModel {
        final List<Integer> batches = new ArrayList<>();

        @Override
        public float[][] run(List<byte[]> images) {
            batches.add(images.size());
            float[][] out = new float[images.size()][];
            for (int i = 0; i < images.size(); i++) {
                byte[] rgb = images.get(i);
                double red = 0;
                for (int p = 0; p < rgb.length; p += 3) {
                    red += rgb[p] & 0xff;
                }
                float p0 = (float) (red / (rgb.length / 3) / 255);
                out[i] = new float[]{p0, 1 - p0};
            }
            return out;
        }
    }

    /** Each outcome as one line: key, then the face, the label and p0, or the reason. */
    static final class Lines implements ImageScorer.Sink<String> {
        final List<String> lines = new ArrayList<>();
        final List<Prediction> predictions = new ArrayList<>();

        @Override
        public void scored(String key, ImageScorer.Face face, Prediction prediction) {
            predictions.add(prediction);
            lines.add(key + (face == null ? "" : " face " + face.index() + "/" + face.found()) + " " + prediction.label());
        }

        @Override
        public void noFace(String key) {
            lines.add(key + " no face");
        }

        @Override
        public void failed(String key, String reason) {
            lines.add(key + " failed " + reason.substring(0, reason.indexOf(':')));
        }
    }

    @Test
    void everyImageComesOutOnceInOrderInBatchesOfTheSetSize() {
        SyntheticFaces draw = new SyntheticFaces(9);
        byte[] a = TestImages.encode(draw.draw(true, 80), "jpg");
        byte[] b = TestImages.encode(draw.draw(false, 80), "png");
        MeanRed network = new MeanRed();
        Lines sink = new Lines();
        try (ImageScorer<String> scorer = new ImageScorer<>(IMAGE, CLASSES, network, 2, null, ImageScorer.Timing.NONE, sink)) {
            scorer.add("a", a);
            scorer.add("text", "not an image".getBytes(StandardCharsets.UTF_8));
            scorer.reject("listed", "not_a_regular_file: FIFO");
            scorer.add("b", b);   // the second image: a full batch, the four so far come out
            assertEquals(4, sink.lines.size());
            scorer.add("empty", new byte[0]);
            scorer.add("a again", a);
            assertTrue(scorer.hasPending());
            scorer.flush();
            assertTrue(!scorer.hasPending());
        }
        assertEquals(List.of(2, 1), network.batches);
        float[] pa = network.run(List.of(new ImageLoader(IMAGE).load(a).pixels().rgb()))[0];
        String labelA = pa[0] >= pa[1] ? "with_mask" : "without_mask";
        assertEquals(List.of("a " + labelA, "text failed not_an_image", "listed failed not_a_regular_file",
                "b " + sink.lines.get(3).substring(2), "empty failed empty_file", "a again " + labelA), sink.lines);
        // the same pixels as the score job's loader, the label from the larger probability
        assertArrayEquals(pa, sink.predictions.get(0).probabilities());
        assertArrayEquals(pa, sink.predictions.get(2).probabilities());
    }

    @Test
    void theLabelIsTheLargestProbabilityTiesGoingToTheFirstClass() {
        assertEquals("without_mask", Prediction.of(CLASSES, new float[]{0.2f, 0.8f}).label());
        assertEquals("with_mask", Prediction.of(CLASSES, new float[]{0.5f, 0.5f}).label());
        assertEquals(2, Prediction.classIndex(new float[]{0.1f, 0.2f, 0.7f}));
    }

    /** Refused at its first output (model directories check the class count before any Spark work). */
    @Test
    void aNetworkOfAnotherClassCountIsRefused() throws Exception {
        byte[] image = TestImages.encode(new SyntheticFaces(9).draw(true, 80), "jpg");
        Lines sink = new Lines();
        try (ImageScorer<String> scorer = new ImageScorer<>(IMAGE, List.of("a", "b", "c"), new MeanRed(), 4, null,
                ImageScorer.Timing.NONE, sink)) {
            scorer.add("a", image);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, scorer::flush);
            assertTrue(e.getMessage().contains("2 outputs") && e.getMessage().contains("3 classes"), e.getMessage());
        }
        assertEquals(List.of(), sink.lines, "nothing labelled with the wrong classes");
    }

    @Test
    void perFaceEveryFaceLeftToRightAndAPhotoWithoutFacesOnce() throws Exception {
        byte[] yunet = ShippedFile.YUNET.readBytes();
        FacesSettings faces = new FacesSettings(FacesSettings.Detector.YUNET, null, null, 0.5, 0.3, 8, 0.15,
                List.of(640), FacesSettings.BoxAdjust.NONE, false, FacesSettings.Fusion.NMS, 0, 1);
        DetectorModel detector = new DetectorModel(faces, yunet, new byte[0], Sha256.hex(yunet));
        FaceCollage.Collage collage = FaceCollage.make();
        MeanRed network = new MeanRed();
        Lines sink = new Lines();
        long[] decodeNanos = {0};
        ImageScorer.Timing timing = new ImageScorer.Timing() {
            @Override
            public void decode(long nanos) {
                decodeNanos[0] += nanos;
            }

            @Override
            public void inference(long nanos) {
            }
        };
        try (ImageScorer<String> scorer = new ImageScorer<>(IMAGE, CLASSES, network, 8, detector, timing, sink)) {
            assertTrue(scorer.perFace());
            scorer.add("group", TestImages.encode(collage.image(), "jpg"));
            scorer.add("landscape", TestImages.encode(FaceCollage.noFaces(), "png"));
            scorer.add("text", "no".getBytes(StandardCharsets.UTF_8));
            scorer.flush();
        }
        assertEquals(List.of(3), network.batches, "the three faces in one batch");
        assertEquals(List.of("group face 0/3", "group face 1/3", "group face 2/3", "landscape no face",
                "text failed not_an_image"), sink.lines.stream().map(l -> l.replaceAll(" with_mask| without_mask", "")).toList());
        assertTrue(decodeNanos[0] > 0, "the timing hook hears of decoding and detection");
    }
}
