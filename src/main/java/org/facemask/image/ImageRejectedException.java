package org.facemask.image;

/** An input that cannot become an image, with the reason recorded in the rejects. */
public final class ImageRejectedException extends RuntimeException {
    private final RejectReason reason;

    public ImageRejectedException(RejectReason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    public RejectReason reason() {
        return reason;
    }
}
