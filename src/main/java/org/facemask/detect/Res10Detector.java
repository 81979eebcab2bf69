package org.facemask.detect;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_dnn.Net;
import org.facemask.image.RgbImage;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_dnn.blobFromImage;
import static org.bytedeco.opencv.global.opencv_dnn.readNetFromTensorflow;

/**
 * OpenCV's res10 SSD face detector (the model of OpenCV's samples/dnn/face_detector, TensorFlow build) run by the
 * dnn module of the bytedeco OpenCV already on the class path: 300x300 input, BGR mean (104, 177, 123) subtracted,
 * output rows of (image, class, confidence, x1, y1, x2, y2) with corners as fractions of the image.
 */
final class Res10Detector implements FaceDetector {
    private static final int INPUT = 300;
    private final Net net;
    private final float minScore;

    Res10Detector(byte[] model, byte[] config, float minScore) {
        this.minScore = minScore;
        this.net = readNetFromTensorflow(new BytePointer(model), model.length, new BytePointer(config), config.length);
        if (net.empty()) {
            throw new IllegalArgumentException("OpenCV could not read the res10 model and its .pbtxt");
        }
    }

    @Override
    public List<FaceBox> detect(RgbImage image) {
        try (PointerScope scope = new PointerScope()) {
            Mat rgb = new Mat(image.height(), image.width(), CV_8UC3, new BytePointer(image.rgb()));
            // swapRB = true: our pixels are RGB, the network was trained on BGR
            Mat blob = blobFromImage(rgb, 1.0, new Size(INPUT, INPUT), new Scalar(104, 177, 123, 0), true, false,
                    org.bytedeco.opencv.global.opencv_core.CV_32F);
            net.setInput(blob);
            Mat out = net.forward();
            FloatBuffer rows = out.createBuffer();
            List<FaceBox> boxes = new ArrayList<>();
            for (int i = 0; i + 7 <= rows.limit(); i += 7) {
                float score = rows.get(i + 2);
                if (score < minScore) {
                    continue;
                }
                double x1 = rows.get(i + 3) * image.width();
                double y1 = rows.get(i + 4) * image.height();
                double x2 = rows.get(i + 5) * image.width();
                double y2 = rows.get(i + 6) * image.height();
                boxes.add(new FaceBox(x1, y1, x2 - x1, y2 - y1, score));
            }
            return boxes;
        }
    }

    @Override
    public void close() {
        net.close();
    }
}
