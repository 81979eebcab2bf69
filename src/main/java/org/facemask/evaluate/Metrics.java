package org.facemask.evaluate;

import org.facemask.model.Prediction;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Classification metrics from true classes and predicted probabilities: accuracy, per-class precision, recall and
 * F1, the confusion matrix (rows: true class, columns: predicted), and one-vs-rest ROC curves with their AUC. The
 * reported {@code auc} is the mean over classes (for two classes both curves have the same AUC).
 */
public record Metrics(List<String> classes, long images, double accuracy, Map<String, PerClass> perClass,
                      long[][] confusion, double auc, List<Roc> roc) {

    public record PerClass(double precision, double recall, double f1, long support) {
    }

    /** ROC of one class against the rest: false and true positive rates, from the strictest threshold down. */
    public record Roc(String positiveClass, double[] fpr, double[] tpr, double auc) {
    }

    /**
     * @param truth         index of each image's true class
     * @param probabilities each image's probability per class, in class order
     */
    public static Metrics compute(List<String> classes, int[] truth, float[][] probabilities) {
        int c = classes.size();
        int n = truth.length;
        long[][] confusion = new long[c][c];
        long correct = 0;
        for (int i = 0; i < n; i++) {
            int predicted = Prediction.classIndex(probabilities[i]);
            confusion[truth[i]][predicted]++;
            if (predicted == truth[i]) {
                correct++;
            }
        }
        Map<String, PerClass> perClass = new LinkedHashMap<>();
        for (int k = 0; k < c; k++) {
            long tp = confusion[k][k];
            long predictedK = 0;
            long actualK = 0;
            for (int j = 0; j < c; j++) {
                predictedK += confusion[j][k];
                actualK += confusion[k][j];
            }
            double precision = predictedK == 0 ? 0 : (double) tp / predictedK;
            double recall = actualK == 0 ? 0 : (double) tp / actualK;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            perClass.put(classes.get(k), new PerClass(precision, recall, f1, actualK));
        }
        List<Roc> rocs = new ArrayList<>();
        double aucSum = 0;
        int aucCount = 0;
        for (int k = 0; k < c; k++) {
            Roc roc = roc(classes.get(k), k, truth, probabilities);
            rocs.add(roc);
            if (!Double.isNaN(roc.auc())) {
                aucSum += roc.auc();
                aucCount++;
            }
        }
        return new Metrics(List.copyOf(classes), n, n == 0 ? 0 : (double) correct / n, perClass, confusion,
                aucCount == 0 ? Double.NaN : aucSum / aucCount, rocs);
    }

    /** Exact ROC: one point per distinct score; AUC by the trapezoid rule (ties count half, as Mann-Whitney). */
    static Roc roc(String name, int positive, int[] truth, float[][] probabilities) {
        Integer[] order = new Integer[truth.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -probabilities[i][positive]));
        long positives = Arrays.stream(truth).filter(t -> t == positive).count();
        long negatives = truth.length - positives;
        if (positives == 0 || negatives == 0) {
            return new Roc(name, new double[]{0, 1}, new double[]{0, 1}, Double.NaN);
        }
        List<double[]> points = new ArrayList<>();
        points.add(new double[]{0, 0});
        long tp = 0;
        long fp = 0;
        double auc = 0;
        for (int i = 0; i < order.length; ) {
            float score = probabilities[order[i]][positive];
            long tpBefore = tp;
            long fpBefore = fp;
            while (i < order.length && probabilities[order[i]][positive] == score) {
                if (truth[order[i]] == positive) {
                    tp++;
                } else {
                    fp++;
                }
                i++;
            }
            auc += (double) (fp - fpBefore) / negatives * ((tp + tpBefore) / 2.0) / positives;
            points.add(new double[]{(double) fp / negatives, (double) tp / positives});
        }
        double[] fpr = points.stream().mapToDouble(p -> p[0]).toArray();
        double[] tpr = points.stream().mapToDouble(p -> p[1]).toArray();
        return new Roc(name, fpr, tpr, auc);
    }

    /** The fields of metrics.json's test block (and of evaluate's metrics.json). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("images", images);
        m.put("accuracy", accuracy);
        Map<String, Object> pc = new LinkedHashMap<>();
        perClass.forEach((k, v) -> pc.put(k, Map.of("precision", v.precision(), "recall", v.recall(), "f1", v.f1(),
                "support", v.support())));
        m.put("per_class", pc);
        m.put("auc", Double.isNaN(auc) ? null : auc);
        m.put("classes", classes);
        m.put("confusion_matrix", confusion);
        return m;
    }
}
