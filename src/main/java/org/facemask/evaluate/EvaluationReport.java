package org.facemask.evaluate;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import org.apache.hadoop.conf.Configuration;
import org.facemask.storage.Json;
import org.facemask.storage.Storage;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * evaluate's metrics.json for labelled images (a prepared split or a folder per class): written ({@link #write})
 * and read ({@link #read}) here only, field for field (Jackson binds the record, with snake_case names).
 *
 * @param images          images evaluated (labels the model knows)
 * @param auc             mean one-vs-rest AUC; null when a class had no image
 * @param confusionMatrix rows: true class, columns: predicted
 * @param unknownLabel    images whose label is not one of the model's classes, left out
 * @param undecodable     files of a raw folder that could not be decoded, left out
 * @param inputKind       what evaluate.input was: "folder per class", or a prepared dataset and its split
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record EvaluationReport(long images, double accuracy, Map<String, Metrics.PerClass> perClass, Double auc,
                               List<String> classes, long[][] confusionMatrix, long unknownLabel,
                               Undecodable undecodable, String modelVersion, String input, String inputKind) {

    /** @param files each with its path, reason code and detail */
    public record Undecodable(int count, List<File> files) {
        public record File(String path, String reason, String detail) {
        }

        public static Undecodable of(List<File> files) {
            return new Undecodable(files.size(), List.copyOf(files));
        }
    }

    public static EvaluationReport of(Metrics metrics, long unknownLabel, Undecodable undecodable, String modelVersion,
                                      String input, String inputKind) {
        return new EvaluationReport(metrics.images(), metrics.accuracy(), metrics.perClass(),
                Double.isNaN(metrics.auc()) ? null : metrics.auc(), metrics.classes(), metrics.confusion(),
                unknownLabel, undecodable, modelVersion, input, inputKind);
    }

    /** metrics.json into {@code dir}, with confusion_matrix.png and roc.png from {@code metrics}. */
    public void write(URI dir, Metrics metrics, Configuration hadoop) {
        EvaluateStage.writeReport(dir, metrics, toMap(), hadoop);
    }

    /** metrics.json as a map, as the report page renders it. */
    public Map<String, Object> toMap() {
        return Json.toMap(this);
    }

    public static EvaluationReport read(URI dir, Configuration hadoop) {
        return Json.convert(Json.read(Storage.readString(Storage.child(dir, EvaluateStage.METRICS_FILE), hadoop)),
                EvaluationReport.class);
    }
}
