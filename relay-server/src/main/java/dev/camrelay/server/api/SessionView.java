package dev.camrelay.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.camrelay.core.session.ViewerSession;
import java.time.Instant;
import java.util.Locale;

/**
 * A viewer session as {@code GET /api/v1/sessions} lists it. The token is not shown again.
 *
 * @param sessionId the session's id
 * @param cameraId  the one camera it may watch
 * @param viewer    who watches
 * @param protocol  {@code hls}, {@code webrtc} or {@code rtsp}
 * @param state     {@code active}, {@code revoked} or {@code expired}
 * @param epoch     the camera epoch the session was bound to when created (0: the camera was not live)
 * @param createdAt ISO-8601
 * @param expiresAt ISO-8601
 * @param webrtc    for a WebRTC session with an open WHEP session: its transport and the per-session estimate
 *                  (bandwidth, loss, RTT); absent otherwise
 */
public record SessionView(String sessionId, String cameraId, String viewer, String protocol, String state,
                          long epoch, String createdAt, String expiresAt,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Object webrtc) {

    static SessionView of(ViewerSession s, Instant now, Object webrtc) {
        String state = s.isRevoked() ? "revoked" : s.isActive(now) ? "active" : "expired";
        return new SessionView(s.id().value(), s.cameraId(), s.viewer(), s.protocol().name().toLowerCase(Locale.ROOT),
                state, s.epoch(), s.createdAt().toString(), s.expiresAt().toString(), webrtc);
    }
}
