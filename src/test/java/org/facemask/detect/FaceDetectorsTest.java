package org.facemask.detect;

import org.facemask.config.FacesSettings;
import org.facemask.config.FacesSettings.Detector;
import org.facemask.image.ImageDecoder;
import org.facemask.image.JpegDecoder;
import org.facemask.image.RgbImage;
import org.facemask.testing.FaceCollage;
import org.facemask.testing.SharedFiles;
import org.facemask.testing.TestImages;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each detector backend on a made photo of three real faces (and on one without faces): every face, nothing else. */
class FaceDetectorsTest {
    static DetectorModel model(Detector detector) throws Exception {
        return model(detector, List.of(640));
    }

    static DetectorModel model(Detector detector, List<Integer> detectSides) throws Exception {
        FacesSettings s = new FacesSettings(detector, null, null, detector == Detector.HAAR ? 0 : 0.5, 0.3, 8, 0.15,
                detectSides, FacesSettings.BoxAdjust.NONE, false, FacesSettings.Fusion.NMS, 0, 1);
        byte[] bytes = switch (detector) {
            case YUNET -> Files.readAllBytes(SharedFiles.require("models/face-detectors/face_detection_yunet_2026may.onnx"));
            case RES10 -> Files.readAllBytes(SharedFiles.require("models/face-detectors/opencv_face_detector_uint8.pb"));
            case HAAR -> new byte[0];
        };
        byte[] config = detector == Detector.RES10
                ? Files.readAllBytes(SharedFiles.require("models/face-detectors/opencv_face_detector.pbtxt")) : new byte[0];
        return new DetectorModel(s, bytes, config, detector == Detector.HAAR ? "" : org.facemask.storage.Sha256.hex(bytes));
    }

    static RgbImage decode(byte[] encoded) {
        return new ImageDecoder(40_000_000, JpegDecoder.AUTO).decode(encoded).image();
    }

    /** Every tile holds the centre of exactly one face found, and no face is found on the grey between them. */
    static void findsEachFace(Detector detector, int[] tilesThatMustBeFound) throws Exception {
        findsEachFace(model(detector), tilesThatMustBeFound);
    }

    static void findsEachFace(DetectorModel model, int[] tilesThatMustBeFound) throws Exception {
        Detector detector = model.settings().detector();
        FaceCollage.Collage collage = FaceCollage.make();
        RgbImage photo = decode(TestImages.encode(collage.image(), "png"));
        List<FaceBox> found;
        try (FaceFinder finder = model.open()) {
            found = finder.find(photo);
        }
        for (FaceBox f : found) {
            double cx = f.x() + f.w() / 2;
            double cy = f.y() + f.h() / 2;
            assertTrue(collage.tiles().stream().anyMatch(t -> cx > t.x() && cx < t.x() + t.w() && cy > t.y() && cy < t.y() + t.h()),
                    detector + " found a face outside the faces: " + f);
        }
        for (int i : tilesThatMustBeFound) {
            FaceBox t = collage.tiles().get(i);
            long inTile = found.stream().filter(f -> f.iou(t) > 0.2).count();
            assertEquals(1, inTile, detector + ": faces found on " + FaceCollage.FACES[i] + ": " + found);
        }
    }

    @Test
    void yunetFindsMaskedAndUnmaskedFaces() throws Exception {
        findsEachFace(Detector.YUNET, new int[]{0, 1, 2});
    }

    /** Each face is found at both sides; the merged result still has one box per face. */
    @Test
    void severalDetectionSidesGiveOneBoxPerFace() throws Exception {
        findsEachFace(model(Detector.YUNET, List.of(640, 1280)), new int[]{0, 1, 2});
    }

    /** The default set-up (second look at every box of 32 px and more) keeps every real face, and flip with fusion too. */
    @Test
    void theSecondLookAndTheMirroredPassKeepEveryFace() throws Exception {
        FacesSettings defaults = org.facemask.config.PipelineConfig.load(null, List.of("faces.flip=true",
                "faces.fusion=wbf", "faces.detect-side=640")).faces();
        assertEquals(160, defaults.verifySide(), "on by default");
        DetectorModel yunet = model(Detector.YUNET);
        findsEachFace(new DetectorModel(defaults, yunet.model(), yunet.config(), yunet.sha256()), new int[]{0, 1, 2});
    }

    @Test
    void res10FindsMaskedAndUnmaskedFaces() throws Exception {
        findsEachFace(Detector.RES10, new int[]{0, 1, 2});
    }

    /**
     * The cascade needs no file, and is the weakest: it finds the frontal unmasked face, misses the masked one
     * (it looks for nose and mouth) and the slightly turned one; never anything in the background.
     */
    @Test
    void haarCascadeFromTheOpenCvJarFindsAFrontalUnmaskedFace() throws Exception {
        findsEachFace(Detector.HAAR, new int[]{0});
    }

    @Test
    void aPhotoWithoutFacesGivesNone() throws Exception {
        RgbImage photo = decode(TestImages.encode(FaceCollage.noFaces(), "png"));
        for (Detector d : Detector.values()) {
            try (FaceFinder finder = model(d).open()) {
                assertEquals(List.of(), finder.find(photo), d.code());
            }
        }
    }

    @Test
    void sha256OfTheModelFileIsRecorded() throws Exception {
        assertEquals("yunet sha256:ebafce4e3c118d6554634be5c27ab333b4c047a9a8c3faf1d7cf93101c22f0f0",
                model(Detector.YUNET).describe());
        String res10 = model(Detector.RES10).describe();
        assertTrue(res10.matches("res10 sha256:[0-9a-f]{64}, config sha256:[0-9a-f]{64}"), res10);
    }
}
