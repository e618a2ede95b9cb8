package dev.camrelay.server.webrtc;

import dev.camrelay.core.media.StreamFormat;
import dev.camrelay.core.session.Protocol;
import dev.camrelay.core.session.SessionLimitException;
import dev.camrelay.core.session.SessionRegistry;
import dev.camrelay.core.session.ViewerSession;
import dev.camrelay.core.token.ViewerClaims;
import dev.camrelay.server.camera.Camera;
import dev.camrelay.server.camera.CameraRegistry;
import dev.camrelay.server.http.HttpError;
import dev.camrelay.server.http.Request;
import dev.camrelay.server.http.Response;
import dev.camrelay.server.http.Router;
import dev.camrelay.server.http.ViewerAuth;
import dev.camrelay.webrtc.ice.IceCredentials;
import dev.camrelay.webrtc.sdp.SdpOfferParser;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Stateless apart from the thread-safe egress and registries: handlers run concurrently on virtual threads.
 *
 * <p>The WHEP resource (RFC 9725; contract.md, WebRTC): {@code POST /whep/{cameraId}} with an SDP offer creates a
 * session and answers with every candidate (non-trickle clients work), {@code PATCH} takes trickle candidates,
 * {@code DELETE} ends it. The viewer token is checked on every request; a session is bound to the viewer session
 * its token was issued with, or to one created for an external issuer's token.
 */
public final class WhepApi {

    public static final String SDP = "application/sdp";
    public static final String TRICKLE = "application/trickle-ice-sdpfrag";
    /** A camera that is not live is usually (re)connecting: retry soon. */
    public static final int RETRY_AFTER_SECONDS = 2;
    public static final String SESSIONS_PATH = "/whep/sessions/";

    private final WebRtcEgress egress;
    private final CameraRegistry cameras;
    private final SessionRegistry sessions;
    private final ViewerAuth auth;
    private final Clock clock;

    public WhepApi(WebRtcEgress egress, CameraRegistry cameras, SessionRegistry sessions, ViewerAuth auth,
                   Clock clock) {
        this.egress = egress;
        this.cameras = cameras;
        this.sessions = sessions;
        this.auth = auth;
        this.clock = clock;
    }

    public void register(Router router) {
        router.add("POST", "/whep/{cameraId}", this::create);
        router.add("PATCH", "/whep/sessions/{id}", this::patch);
        router.add("DELETE", "/whep/sessions/{id}", this::delete);
    }

    private Response create(Request request) throws Exception {
        String cameraId = request.pathParam("cameraId");
        ViewerClaims claims = auth.require(request, cameraId);
        requireContentType(request, SDP);
        SdpOfferParser.Result parsed = SdpOfferParser.parse(new String(request.body(), StandardCharsets.UTF_8));
        if (!parsed.accepted()) {
            throw HttpError.badRequest("bad_offer", parsed.rejection());
        }
        Camera camera = cameras.find(cameraId).orElseThrow(() -> HttpError.notFound("no camera '" + cameraId + "'"));
        Optional<StreamFormat> format = camera.format();
        if (!camera.state().isLive() || format.isEmpty()) {
            throw new HttpError(409, "camera_not_live", "camera '" + cameraId + "' is " + camera.state().label()
                    + "; retry in " + RETRY_AFTER_SECONDS + " s",
                    Map.of("Retry-After", Integer.toString(RETRY_AFTER_SECONDS)));
        }
        ViewerSession viewer = viewerSession(claims, camera);
        OfferAnswer.Result opened = egress.open(viewer, parsed.offer(), format.get());
        if (opened.rejection() != null) {
            throw HttpError.badRequest("bad_offer", opened.rejection());
        }
        WhepSession s = opened.session();
        return new Response(201, SDP, s.answer.sdp().getBytes(StandardCharsets.UTF_8),
                Map.of("Location", SESSIONS_PATH + s.id, "ETag", s.etag()));
    }

    /** The viewer session the token was issued with; one of our own for an external issuer's token. */
    private ViewerSession viewerSession(ViewerClaims claims, Camera camera) {
        Optional<ViewerSession> found = sessions.findByJti(claims.jti());
        if (found.isEmpty()) {
            Duration ttl = Duration.between(clock.instant(), claims.expiresAt());
            try {
                found = Optional.of(sessions.create(camera.id(), Protocol.WEBRTC, claims.subject(), ttl,
                        claims.jti(), camera.epoch()));
            } catch (SessionLimitException e) {
                throw HttpError.conflict("session_limit", "camera '" + camera.id() + "' has its maximum of viewer "
                        + "sessions; try again later");
            } catch (IllegalArgumentException e) {
                found = sessions.findByJti(claims.jti()); // created concurrently by another request
            }
        }
        ViewerSession viewer = found.orElseThrow(() -> new HttpError(403, "session_ended",
                "the token's session is no longer listed; ask for a new session"));
        if (!viewer.cameraId().equals(camera.id())) {
            throw new HttpError(403, "wrong_camera", "the token's session is for another camera");
        }
        if (viewer.protocol() != Protocol.WEBRTC) {
            throw new HttpError(403, "wrong_protocol", "the token's session was created for "
                    + viewer.protocol().name().toLowerCase(Locale.ROOT) + "; create one with \"protocol\": \"webrtc\"");
        }
        if (!viewer.isActive(clock.instant())) {
            throw new HttpError(403, "session_ended", "the token's session has ended; ask for a new session");
        }
        return viewer;
    }

    private Response delete(Request request) {
        WhepSession s = authorizedSession(request);
        egress.close(s, "DELETE by the player");
        return new Response(200, null, new byte[0], Map.of());
    }

    /**
     * Trickle candidates (204) and ICE restarts (RFC 9725 §4.3): a fragment with a new ice-ufrag and ice-pwd restarts
     * ICE and must carry {@code If-Match} with the session's ETag or {@code *} (428 without, 412 for another tag);
     * the 200 answer is the relay's new fragment with a new ETag. A fragment with neither candidates nor a restart
     * is 422.
     */
    private Response patch(Request request) throws Exception {
        WhepSession s = authorizedSession(request);
        requireContentType(request, TRICKLE);
        String ifMatch = request.header(HttpHeaderNames.IF_MATCH);
        String etag = s.etag();
        if (ifMatch != null && !ifMatch.equals("*") && !ifMatch.equals(etag)) {
            throw new HttpError(412, "etag_mismatch", "If-Match " + ifMatch + " does not match the session's ETag "
                    + etag);
        }
        String fragment = new String(request.body(), StandardCharsets.UTF_8);
        String ufrag = null;
        String pwd = null;
        boolean candidates = false;
        for (String line : fragment.split("\r?\n")) {
            if (line.startsWith("a=ice-ufrag:")) {
                ufrag = line.substring("a=ice-ufrag:".length()).strip();
            } else if (line.startsWith("a=ice-pwd:")) {
                pwd = line.substring("a=ice-pwd:".length()).strip();
            } else if (line.startsWith("a=candidate:") || line.startsWith("a=end-of-candidates")) {
                candidates = true;
            }
        }
        if (ufrag != null && !ufrag.equals(s.ice().remoteUfrag())) {
            // A new ufrag is an ICE restart (RFC 9725 §4.3.2), which must name the ETag it restarts.
            if (ifMatch == null) {
                throw new HttpError(428, "if_match_required", "an ICE restart needs If-Match with the session's "
                        + "ETag or *");
            }
            if (!IceCredentials.isIceChars(ufrag, 4, 256) || pwd == null || !IceCredentials.isIceChars(pwd, 22, 256)) {
                throw HttpError.badRequest("bad_sdpfrag", "an ICE restart needs a valid a=ice-ufrag and a=ice-pwd "
                        + "(RFC 8839 §5.4)");
            }
            String answer;
            try {
                answer = egress.restartIce(s, ufrag);
            } catch (IllegalStateException e) {
                throw new HttpError(422, "ice_restart_failed", "the ICE restart did not take: " + e.getMessage()
                        + "; the old ICE session goes on");
            }
            return new Response(200, TRICKLE, answer.getBytes(StandardCharsets.UTF_8), Map.of("ETag", s.etag()));
        }
        if (!candidates) {
            throw new HttpError(422, "bad_sdpfrag", "the fragment carries no a=candidate or a=end-of-candidates");
        }
        // ICE-lite: the relay never checks the viewer's candidates; the viewer checks the relay's (RFC 8445 §2.5).
        return Response.noContent();
    }

    private WhepSession authorizedSession(Request request) {
        String id = request.pathParam("id");
        WhepSession s = egress.find(id).orElseThrow(() -> HttpError.notFound("no WHEP session '" + id + "'"));
        ViewerClaims claims = auth.require(request, s.cameraId());
        if (!claims.jti().equals(s.viewer.jti())) {
            throw new HttpError(403, "wrong_session", "this token was not issued for that WHEP session");
        }
        return s;
    }

    private static void requireContentType(Request request, String expected) {
        String type = request.header(HttpHeaderNames.CONTENT_TYPE);
        String base = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!base.equals(expected)) {
            throw new HttpError(415, "unsupported_media_type", "Content-Type must be " + expected + ", got "
                    + (type == null ? "none" : type));
        }
    }
}
