package dev.camrelay.server.camera;

/** The registry refused a camera; {@link #reason()} lets the API choose the status, the message says what to do. */
public final class CameraRejection extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why a camera was refused. */
    public enum Reason {
        /** A camera with this id exists. */
        DUPLICATE_ID,
        /** The id's 64-bit fingerprint equals an existing camera's: frames could not be told apart. */
        FINGERPRINT_COLLISION,
        /** The {@code maxCameras} cap is reached. */
        LIMIT,
        /** The id does not match {@code StreamKey.CAMERA_ID}. */
        BAD_ID
    }

    private final Reason reason;

    public CameraRejection(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
