package org.facemask.score;

import org.facemask.detect.FaceBox;
import org.facemask.inference.ImageScorer;
import org.facemask.model.Prediction;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The score output declared once: the task row follows its schema, the README's table is the declared one. */
class ScoreColumnsTest {
    @Test
    void theReadmeTableIsTheDeclaredColumns() throws Exception {
        assertTrue(Files.readString(Path.of("README.md")).contains(ScoreColumns.markdownTable()),
                "README's score output table differs from ScoreColumns:\n" + ScoreColumns.markdownTable());
    }

    @Test
    void aTaskRowHasAValueOfItsSchemasTypeInEachColumn() {
        Timestamp t = new Timestamp(0);
        Prediction p = new Prediction("with_mask", new float[]{0.9f, 0.1f});
        var face = ScoreColumns.taskRow(new ScoreColumns.Outcome("a.jpg", t, 5, true,
                new ImageScorer.Face(1, new FaceBox(1, 2, 3, 4, 0.75f), 2), p, null));
        assertEquals(ScoreColumns.taskSchema().size(), face.length());
        assertEquals(List.of("a.jpg", t, 5L, 1, 1f, 2f, 3f, 4f, 0.75f, 2, "with_mask"),
                Arrays.asList(face.get(0), face.get(1), face.get(2), face.get(3), face.get(4), face.get(5),
                        face.get(6), face.get(7), face.get(8), face.get(9), face.get(10)));
        assertArrayEquals(p.probabilities(), (float[]) face.get(11));
        var noFace = ScoreColumns.taskRow(new ScoreColumns.Outcome("b.jpg", t, 5, true, null, null, null));
        assertEquals(0, noFace.get(9), "a photo without faces: faces_found 0");
        var whole = ScoreColumns.taskRow(new ScoreColumns.Outcome("c.jpg", t, 5, false, null, null, "corrupt: x"));
        assertEquals(null, whole.get(9), "whole-image rows have no face count");
        assertEquals("corrupt: x", whole.get(12));
        assertEquals(ScoreColumns.taskSchema().fieldNames()[12], "error");
    }
}
