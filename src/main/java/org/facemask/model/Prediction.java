package org.facemask.model;

import java.util.List;

/**
 * The classifier's answer for one image or face: its probabilities in class order, and the label they give. Every
 * output (score rows, evaluation metrics, the Spark ML stage, the SQL functions) takes the label from here.
 */
public record Prediction(String label, float[] probabilities) {
    /** @throws IllegalArgumentException when the network's output is not one probability per class */
    public static Prediction of(List<String> classes, float[] probabilities) {
        if (probabilities.length != classes.size()) {
            throw new IllegalArgumentException("the network has " + probabilities.length + " outputs but "
                    + classes.size() + " classes are named: " + classes);
        }
        return new Prediction(classes.get(classIndex(probabilities)), probabilities);
    }

    /** Index of the largest probability; ties go to the first class. */
    public static int classIndex(float[] probabilities) {
        int best = 0;
        for (int i = 1; i < probabilities.length; i++) {
            if (probabilities[i] > probabilities[best]) {
                best = i;
            }
        }
        return best;
    }
}
