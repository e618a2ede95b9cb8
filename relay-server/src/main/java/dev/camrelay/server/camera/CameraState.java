package dev.camrelay.server.camera;

/**
 * A camera's state as the API shows it: {@code idle}, {@code connecting}, {@code live}, {@code reconnecting} or
 * {@code failed: <reason>}.
 *
 * @param phase  where the camera's ingest is
 * @param reason why it failed or is reconnecting ("" otherwise)
 */
public record CameraState(Phase phase, String reason) {

    /** The ingest lifecycle; a new epoch starts each time a camera enters {@link #LIVE}. */
    public enum Phase { IDLE, CONNECTING, LIVE, RECONNECTING, FAILED }

    public static final CameraState IDLE = new CameraState(Phase.IDLE, "");
    public static final CameraState CONNECTING = new CameraState(Phase.CONNECTING, "");
    public static final CameraState LIVE = new CameraState(Phase.LIVE, "");

    public CameraState {
        reason = reason == null ? "" : reason;
    }

    public static CameraState reconnecting(String reason) {
        return new CameraState(Phase.RECONNECTING, reason);
    }

    public static CameraState failed(String reason) {
        return new CameraState(Phase.FAILED, reason);
    }

    public boolean isLive() {
        return phase == Phase.LIVE;
    }

    /** The API's string: {@code live}, or {@code failed: <reason>}. */
    public String label() {
        String name = phase.name().toLowerCase(java.util.Locale.ROOT);
        return phase == Phase.FAILED ? name + ": " + reason : name;
    }
}
