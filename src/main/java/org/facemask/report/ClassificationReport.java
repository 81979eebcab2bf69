package org.facemask.report;

import org.apache.hadoop.conf.Configuration;
import org.facemask.evaluate.Metrics;
import org.facemask.evaluate.Plots;
import org.facemask.storage.Storage;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * report.html of a train or evaluate run, beside its metrics.json and rendered from the same values: the metrics
 * (whose {@link Metrics#toMap} is the file's test block or body), the file's content (epochs), the run's settings,
 * and the misclassified images.
 */
public final class ClassificationReport {
    public static final String FILE = "report.html";
    /** Undecodable files listed at most; metrics.json lists them all. */
    private static final int FILES_SHOWN = 100;

    private ClassificationReport() {
    }

    /**
     * @param settings    what the run was given and what it saw (mode, learning rate, image counts ...), shown as is
     * @param metricsJson the content of metrics.json; its {@code epochs} (and {@code fine_tune.epochs}) are drawn
     */
    public static void write(URI dir, String title, Map<String, ?> settings, Map<String, ?> metricsJson,
                             Metrics metrics, Misclassified misclassified, Configuration hadoop) {
        Storage.writeString(Storage.child(dir, FILE), render(title, settings, metricsJson, metrics, misclassified), hadoop);
    }

    static String render(String title, Map<String, ?> settings, Map<String, ?> metricsJson, Metrics metrics,
                         Misclassified misclassified) {
        Html page = new Html(title);
        page.section("Summary").table(List.of("images", "accuracy", "AUC (mean one-vs-rest)"), List.of(List.of(
                Html.Cell.number(metrics.images(), "images"), Html.Cell.number(metrics.accuracy(), "accuracy"),
                Html.Cell.number(metrics.auc(), "auc")))).endSection();
        epochs(page, metricsJson);
        // train: its test split; evaluate: the split or folder it was given (its settings say which)
        page.section("Evaluated images");
        confusion(page, metrics);
        List<List<Html.Cell>> perClass = new ArrayList<>();
        metrics.perClass().forEach((name, c) -> perClass.add(List.of(Html.Cell.text(name),
                Html.Cell.number(c.precision(), "precision." + name), Html.Cell.number(c.recall(), "recall." + name),
                Html.Cell.number(c.f1(), "f1." + name), Html.Cell.number(c.support(), "support." + name))));
        page.table(List.of("class", "precision", "recall", "F1", "images"), perClass);
        page.charts(List.of(Plots.roc(metrics.roc()).svg())).endSection();
        gallery(page, misclassified);
        page.section("Settings and data").keyValues(settings).endSection();
        undecodable(page, metricsJson.get("undecodable"));
        return page.render();
    }

    /** Loss and validation accuracy per epoch (epoch means); fine-tuning's epochs continue the head's. */
    private static void epochs(Html page, Map<String, ?> metricsJson) {
        List<Map<String, Object>> head = Plots.epochList(metricsJson.get("epochs"));
        if (head.isEmpty()) {
            return;
        }
        Map<?, ?> fineTuneJson = metricsJson.get("fine_tune") instanceof Map<?, ?> f ? f : Map.of();
        List<Map<String, Object>> fineTune = Plots.epochList(fineTuneJson.get("epochs"));
        // the model written is fine-tuning's best epoch when there is one (0: none beat the head, which was kept)
        String kept = fineTuneJson.get("best_epoch") instanceof Number n && n.intValue() > 0
                ? "Kept: fine-tuning epoch " + n + " (the head alone was best at epoch " + metricsJson.get("best_epoch") + ")"
                : "Best epoch: " + metricsJson.get("best_epoch");
        page.section("Training").paragraph(kept
                + (Boolean.TRUE.equals(metricsJson.get("stopped_early")) ? " (stopped early)" : "")
                + ". Train loss as metrics.json records it (train_loss); validation loss and accuracy over the whole "
                + "validation split after each epoch.");
        page.charts(Plots.trainingCurves(metricsJson).stream().map(Plots.Chart::svg).toList());
        List<List<Html.Cell>> rows = new ArrayList<>();
        for (List<Map<String, Object>> stage : List.of(head, fineTune)) {
            for (Map<String, Object> e : stage) {
                rows.add(List.of(Html.Cell.text((stage == head ? "" : "fine-tuning ") + e.get("epoch")),
                        Html.Cell.number(e.get("train_loss")), Html.Cell.number(e.get("val_loss")),
                        Html.Cell.number(e.get("val_accuracy")), Html.Cell.seconds(e.get("seconds"))));
            }
        }
        page.table(List.of("epoch", "train loss", "validation loss", "validation accuracy", "seconds"), rows).endSection();
    }

    /** Rows: true class; columns: predicted; shaded by the share of the true class's row. */
    static void confusion(Html page, List<String> classes, long[][] matrix, String keyPrefix) {
        List<String> header = new ArrayList<>(List.of("true \\ predicted"));
        header.addAll(classes);
        List<List<Html.Cell>> rows = new ArrayList<>();
        for (int i = 0; i < classes.size(); i++) {
            long total = 0;
            for (long v : matrix[i]) {
                total += v;
            }
            List<Html.Cell> row = new ArrayList<>(List.of(Html.Cell.text(classes.get(i))));
            for (int j = 0; j < classes.size(); j++) {
                row.add(Html.Cell.number(matrix[i][j], keyPrefix + "." + classes.get(i) + "." + classes.get(j))
                        .shaded(total == 0 ? 0 : (double) matrix[i][j] / total));
            }
            rows.add(row);
        }
        page.paragraph("Confusion matrix (rows: true class, columns: predicted class)").table(header, rows);
    }

    private static void confusion(Html page, Metrics metrics) {
        confusion(page, metrics.classes(), metrics.confusion(), "confusion");
    }

    private static void gallery(Html page, Misclassified misclassified) {
        page.section("Misclassified images");
        if (misclassified.total() == 0) {
            page.paragraph("None: every image was classified correctly.").endSection();
            return;
        }
        page.paragraph(misclassified.total() + (misclassified.total() == 1 ? " image" : " images")
                + " misclassified; the most confident mistakes first"
                + (misclassified.total() > misclassified.shown().size()
                ? ", " + misclassified.shown().size() + " shown (" + (misclassified.total() - misclassified.shown().size())
                + " more not shown)" : "") + ".");
        page.gallery(misclassified.shown().stream().map(m -> new Html.Figure("image/jpeg", m.jpeg(), m.path(), List.of(
                "true " + m.truth(), "predicted " + m.predicted() + " (p " + Html.number(m.probability()) + ")",
                m.path().substring(m.path().lastIndexOf('/') + 1)))).toList());
        page.endSection();
    }

    /** evaluate on a raw folder: the files it could not decode, as metrics.json lists them. */
    private static void undecodable(Html page, Object block) {
        if (!(block instanceof Map<?, ?> m) || !(m.get("files") instanceof List<?> files) || files.isEmpty()) {
            return;
        }
        List<List<Html.Cell>> rows = new ArrayList<>();
        for (Object f : files.subList(0, Math.min(FILES_SHOWN, files.size()))) {
            Map<?, ?> file = (Map<?, ?>) f;
            rows.add(List.of(Html.Cell.text(String.valueOf(file.get("path"))),
                    Html.Cell.text(String.valueOf(file.get("reason"))), Html.Cell.text(String.valueOf(file.get("detail")))));
        }
        page.section("Files not decoded (" + files.size() + ")").table(List.of("file", "reason", "detail"), rows);
        if (files.size() > FILES_SHOWN) {
            page.paragraph((files.size() - FILES_SHOWN) + " more in metrics.json.", "muted");
        }
        page.endSection();
    }
}
