package org.facemask.evaluate;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import org.apache.hadoop.conf.Configuration;
import org.facemask.storage.Json;
import org.facemask.storage.Storage;

import java.net.URI;
import java.util.Map;

/**
 * evaluate's metrics.json for photos with Pascal VOC annotations: written ({@link #write}) and read ({@link #read})
 * here only (Jackson binds the record, with snake_case names).
 *
 * @param faces   the detector, its settings, {@link FaceMetrics#compute}'s blocks and the seconds taken
 * @param leftOut files that could not be evaluated, with the reason
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record FaceEvaluationReport(Map<String, Object> faces, Map<String, String> leftOut, String modelVersion,
                                   String input, String inputKind) {
    public static final String INPUT_KIND = "photos with Pascal VOC annotations";

    /** The annotated faces of the model's classes, and how many were found and correctly classified. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record EndToEnd(long faces, long foundAndCorrect, double share) {
    }

    public EndToEnd endToEnd() {
        return Json.convert(faces.get("end_to_end"), EndToEnd.class);
    }

    /** The annotated faces of the model's classes in one size range, matched at IoU 0.5. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record FacesOfSize(long faces, long foundIou50, double recallIou50, long foundAndCorrect, double share) {
    }

    /** The found boxes in one size range, and the share that matched an annotated face at IoU 0.5. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record BoxesOfSize(long boxes, long matchedIou50, double precisionIou50) {
    }

    /** The faces of {@value FaceMetrics#LARGE_FACE} px and more, which issue 21's targets are set on. */
    public FacesOfSize largeFaces() {
        return Json.convert(faces.get("by_face_size"), new TypeReference<Map<String, FacesOfSize>>() {
        }).get(FacesBySize.SizeRange.LARGE.name());
    }

    /** The found boxes of {@value FaceMetrics#LARGE_FACE} px and more. */
    public BoxesOfSize largeBoxes() {
        return Json.convert(faces.get("by_box_size"), new TypeReference<Map<String, BoxesOfSize>>() {
        }).get(FacesBySize.SizeRange.LARGE.name());
    }

    public void write(URI dir, Configuration hadoop) {
        Json.writeFile(Storage.child(dir, EvaluateStage.METRICS_FILE), this, hadoop);
    }

    /** metrics.json as a map, as the report page renders it. */
    public Map<String, Object> toMap() {
        return Json.toMap(this);
    }

    public static FaceEvaluationReport read(URI dir, Configuration hadoop) {
        return Json.convert(Json.read(Storage.readString(Storage.child(dir, EvaluateStage.METRICS_FILE), hadoop)),
                FaceEvaluationReport.class);
    }
}
