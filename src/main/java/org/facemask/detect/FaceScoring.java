package org.facemask.detect;

import org.facemask.image.RgbImage;
import org.facemask.model.InferenceModel;

import java.util.ArrayList;
import java.util.List;

/** Every face of a photo found, cropped as the training images look, and classified in one batch. */
public final class FaceScoring {
    private FaceScoring() {
    }

    /** @param size the classifier's input size */
    public static List<ScoredFace> score(FaceFinder finder, InferenceModel classifier, RgbImage photo, int size) {
        List<FaceBox> faces = finder.find(photo);
        if (faces.isEmpty()) {
            return List.of();
        }
        List<byte[]> crops = new ArrayList<>(faces.size());
        for (FaceBox face : faces) {
            crops.add(finder.crop(photo, face, size).rgb());
        }
        float[][] probabilities = classifier.run(crops);
        List<ScoredFace> scored = new ArrayList<>(faces.size());
        for (int i = 0; i < faces.size(); i++) {
            scored.add(new ScoredFace(faces.get(i), probabilities[i]));
        }
        return scored;
    }
}
