package org.facemask.prepare;

import org.facemask.detect.FaceBox;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * One Pascal VOC annotation file: the photo's file name and its labelled boxes ({@code <object><name>} and
 * {@code <bndbox>} corners in pixels).
 */
public record VocAnnotation(String filename, List<Face> faces) implements Serializable {
    /** The Kaggle face-mask sets' label of a mask worn below the nose or chin: neither class of a two-class model. */
    public static final String INCORRECT = "mask_weared_incorrect";

    /** An annotated face; its box has confidence 1. */
    public record Face(String label, FaceBox box) implements Serializable {
    }

    /** @throws IllegalArgumentException naming what is wrong, for a file that is not a usable VOC annotation */
    public static VocAnnotation parse(byte[] xml) {
        Document doc;
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            javax.xml.parsers.DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(new org.xml.sax.helpers.DefaultHandler() { // the default one prints to stderr
                @Override
                public void fatalError(org.xml.sax.SAXParseException e) throws SAXException {
                    throw e;
                }
            });
            doc = builder.parse(new ByteArrayInputStream(xml));
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new IllegalArgumentException("not well-formed XML: " + e.getMessage(), e);
        }
        String filename = text(doc.getDocumentElement(), "filename");
        List<Face> faces = new ArrayList<>();
        NodeList objects = doc.getElementsByTagName("object");
        for (int i = 0; i < objects.getLength(); i++) {
            Element o = (Element) objects.item(i);
            Element box = (Element) o.getElementsByTagName("bndbox").item(0);
            if (box == null) {
                throw new IllegalArgumentException("object " + (i + 1) + " has no bndbox");
            }
            double x1 = number(box, "xmin");
            double y1 = number(box, "ymin");
            double x2 = number(box, "xmax");
            double y2 = number(box, "ymax");
            if (x2 <= x1 || y2 <= y1) {
                throw new IllegalArgumentException("object " + (i + 1) + " has an empty box");
            }
            faces.add(new Face(text(o, "name"), new FaceBox(x1, y1, x2 - x1, y2 - y1, 1f)));
        }
        return new VocAnnotation(filename, List.copyOf(faces));
    }

    private static String text(Element parent, String tag) {
        NodeList n = parent.getElementsByTagName(tag);
        if (n.getLength() == 0 || n.item(0).getTextContent().isBlank()) {
            throw new IllegalArgumentException("no <" + tag + ">");
        }
        return n.item(0).getTextContent().trim();
    }

    private static double number(Element parent, String tag) {
        String t = text(parent, tag);
        double value;
        try {
            value = Double.parseDouble(t);
        } catch (NumberFormatException e) {
            value = Double.NaN;
        }
        // Java reads "NaN" and "Infinity" as numbers: a box made of them passes every comparison and crops nothing
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("<" + tag + "> is not a number: '" + t + "'");
        }
        return value;
    }
}
