package dev.camrelay.server.api;

import dev.camrelay.core.session.Protocol;
import dev.camrelay.core.session.SessionId;
import dev.camrelay.core.session.SessionLimitException;
import dev.camrelay.core.session.SessionRegistry;
import dev.camrelay.core.session.ViewerSession;
import dev.camrelay.core.token.IssuedToken;
import dev.camrelay.core.token.RevocationList;
import dev.camrelay.core.token.TokenService;
import dev.camrelay.server.camera.Camera;
import dev.camrelay.server.camera.CameraRegistry;
import dev.camrelay.server.http.AdminAuth;
import dev.camrelay.server.http.HttpError;
import dev.camrelay.server.http.JsonCodec;
import dev.camrelay.server.http.Request;
import dev.camrelay.server.http.Response;
import dev.camrelay.server.http.Router;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Viewer sessions (contract.md, Viewer sessions): a home cloud asks for a stream of one camera and gets a session,
 * a JWT for that camera only, and the URLs to play it. Admin key required.
 *
 * <p><b>Sessions for a camera that is not live.</b> They are created anyway, bound to the camera's latest epoch (0
 * if it never was live). A smart display asks for a stream when its user taps the camera, and an on-demand camera
 * only starts when that first viewer arrives; refusing here would make on-demand cameras unwatchable. The protocol
 * endpoints say honestly that there is nothing to play yet: WHEP answers 409 with {@code Retry-After}, the HLS
 * playlist waits or fails; the response's {@code cameraState} tells the caller up front.
 *
 * <p>Threading: stateless; handlers run concurrently on virtual threads.
 */
public final class SessionApi {

    /** Viewer names end up in tokens and logs: keep them short and printable. */
    public static final int MAX_VIEWER_LENGTH = 128;

    private final CameraRegistry cameras;
    private final SessionRegistry sessions;
    private final TokenService tokens;
    private final RevocationList revocations;
    private final JsonCodec json;
    private final RelayLinks links;
    private final Clock clock;
    private final int defaultTtlSeconds;
    private final int maxTtlSeconds;
    private volatile Function<ViewerSession, Object> webrtcDetails = s -> null;

    public SessionApi(CameraRegistry cameras, SessionRegistry sessions, TokenService tokens,
                      RevocationList revocations, JsonCodec json, RelayLinks links, Clock clock,
                      int defaultTtlSeconds, int maxTtlSeconds) {
        this.cameras = cameras;
        this.sessions = sessions;
        this.tokens = tokens;
        this.revocations = revocations;
        this.json = json;
        this.links = links;
        this.clock = clock;
        this.defaultTtlSeconds = defaultTtlSeconds;
        this.maxTtlSeconds = maxTtlSeconds;
    }

    /** What the WebRTC egress adds to a session's entry (null for none); set once at start. */
    public void webrtcDetails(Function<ViewerSession, Object> details) {
        this.webrtcDetails = details;
    }

    public void register(Router router, AdminAuth admin) {
        router.add("POST", "/api/v1/cameras/{id}/sessions", admin.protect(this::create));
        router.add("GET", "/api/v1/sessions", admin.protect(this::list));
        router.add("DELETE", "/api/v1/sessions/{sessionId}", admin.protect(this::revoke));
    }

    private Response create(Request request) {
        Camera camera = cameras.find(request.pathParam("id"))
                .orElseThrow(() -> CameraApi.notFound(request.pathParam("id")));
        CreateSessionRequest body = json.read(request, CreateSessionRequest.class);
        Protocol protocol = protocol(body.protocol());
        String viewer = viewer(body.viewer());
        Duration ttl = Duration.ofSeconds(ttlSeconds(body.ttlSeconds()));

        IssuedToken token = tokens.issue(viewer, camera.id(), ttl);
        ViewerSession session;
        try {
            session = sessions.create(camera.id(), protocol, viewer, ttl, token.jti(), camera.epoch());
        } catch (SessionLimitException e) {
            revocations.revoke(token.jti(), token.expiresAt());
            throw HttpError.conflict("session_limit", "camera '" + camera.id() + "' has its maximum of viewer "
                    + "sessions (maxSessionsPerCamera, RELAY_MAX_SESSIONS_PER_CAMERA); revoke one or wait for expiry");
        }
        if (cameras.find(camera.id()).orElse(null) != camera) {
            // The camera was deleted while this session was being made: its sessions were already ended.
            sessions.revoke(session.id());
            throw CameraApi.notFound(camera.id());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sessionId", session.id().value());
        out.put("token", token.token());
        out.put("expiresAt", session.expiresAt().toString());
        out.put("hlsUrl", links.hlsUrl(camera.id(), token.token()));
        out.put("whepUrl", links.whepUrl(camera.id()));
        out.put("cameraId", camera.id());
        out.put("protocol", body.protocol().toLowerCase(java.util.Locale.ROOT));
        out.put("epoch", session.epoch());
        out.put("cameraState", camera.state().label());
        return json.response(201, out);
    }

    private Response list(Request request) {
        String camera = request.queryParam("camera");
        List<ViewerSession> all = camera == null ? sessions.list() : sessions.listForCamera(camera);
        Instant now = clock.instant();
        Function<ViewerSession, Object> details = webrtcDetails;
        return json.response(200, Map.of("sessions", all.stream()
                .map(s -> SessionView.of(s, now, details.apply(s))).toList()));
    }

    private Response revoke(Request request) {
        String raw = request.pathParam("sessionId");
        SessionId id = SessionId.parse(raw).orElseThrow(() -> sessionNotFound(raw));
        sessions.find(id).orElseThrow(() -> sessionNotFound(raw));
        sessions.revoke(id);
        return Response.noContent();
    }

    private static HttpError sessionNotFound(String id) {
        return new HttpError(404, "session_not_found", "no session '" + id + "'; GET /api/v1/sessions lists them");
    }

    private static Protocol protocol(String value) {
        if (value == null || value.isBlank()) {
            throw HttpError.badRequest("missing_field", "field 'protocol' is required: \"hls\" or \"webrtc\"");
        }
        try {
            return Protocol.parse(value);
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest("bad_field", "field 'protocol' must be \"hls\" or \"webrtc\", got '"
                    + value + "'");
        }
    }

    private static String viewer(String value) {
        if (value == null || value.isBlank()) {
            throw HttpError.badRequest("missing_field", "field 'viewer' is required: who watches, e.g. a user id");
        }
        if (value.length() > MAX_VIEWER_LENGTH || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw HttpError.badRequest("bad_field", "field 'viewer' must be at most " + MAX_VIEWER_LENGTH
                    + " printable characters");
        }
        return value;
    }

    private int ttlSeconds(Integer value) {
        if (value == null) {
            return defaultTtlSeconds;
        }
        if (value < 1 || value > maxTtlSeconds) {
            throw HttpError.badRequest("bad_field", "field 'ttlSeconds' must be between 1 and " + maxTtlSeconds
                    + " (maxSessionTtlSeconds), got " + value);
        }
        return value;
    }
}
