package org.facemask.image;

import org.facemask.config.ImageSettings;

/**
 * The one way every job turns image-file bytes into network-sized pixels: decode (upright RGB, alpha flattened),
 * then squash to {@code image.size}. Prepare, evaluate and score all call this, so a model never sees pixels made
 * differently from the ones it was trained on.
 */
public final class ImageLoader {
    private final ImageDecoder decoder;
    private final int size;

    public ImageLoader(ImageSettings settings) {
        this.decoder = new ImageDecoder(settings);
        this.size = settings.size();
    }

    /**
     * @param format         container format found in the content
     * @param originalWidth  width of the decoded, upright image before resizing
     * @param originalHeight height of the decoded, upright image before resizing
     * @param pixels         size x size RGB
     */
    public record Loaded(ImageFormat format, int originalWidth, int originalHeight, RgbImage pixels) {
    }

    /** @throws ImageRejectedException when the bytes are not a usable image */
    public Loaded load(byte[] bytes) {
        ImageDecoder.Decoded decoded = decoder.decodeSquare(bytes, size);
        return new Loaded(decoded.header().format(), decoded.originalWidth(), decoded.originalHeight(), decoded.image());
    }
}
