package org.facemask.prepare;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VocAnnotationTest {
    private static byte[] annotation(String xmin) {
        return ("<annotation><filename>a.png</filename><object><name>with_mask</name><bndbox><xmin>" + xmin
                + "</xmin><ymin>5</ymin><xmax>40</xmax><ymax>45</ymax></bndbox></object></annotation>")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aBoxReadsAsCornersInPixels() {
        VocAnnotation a = VocAnnotation.parse(annotation("10.5"));
        assertEquals("a.png", a.filename());
        assertEquals(1, a.faces().size());
        assertEquals("with_mask", a.faces().get(0).label());
        assertEquals(10.5, a.faces().get(0).box().x());
        assertEquals(29.5, a.faces().get(0).box().w());
        assertEquals(40, a.faces().get(0).box().h());
    }

    @Test
    void aCornerThatIsNoFiniteNumberMakesTheFileABadAnnotation() {
        // Double.parseDouble takes "NaN" and "Infinity": such a box passed the empty-box check and reached the crop
        for (String bad : new String[]{"NaN", "Infinity", "-Infinity", "ten"}) {
            String message = assertThrows(IllegalArgumentException.class, () -> VocAnnotation.parse(annotation(bad)),
                    bad).getMessage();
            assertTrue(message.contains("<xmin>") && message.contains(bad), message);
        }
    }
}
