package dev.camrelay.core.session;

/** A camera already has its maximum of viewer sessions (a resource cap, architecture.md section 7). */
public final class SessionLimitException extends Exception {

    private static final long serialVersionUID = 1L;

    public SessionLimitException(String cameraId, int limit) {
        super("camera '" + cameraId + "' has its maximum of " + limit + " viewer sessions");
    }
}
