package dev.camrelay.server.play;

import dev.camrelay.core.session.Protocol;
import dev.camrelay.core.session.SessionLimitException;
import dev.camrelay.core.session.SessionRegistry;
import dev.camrelay.core.session.ViewerSession;
import dev.camrelay.core.token.IssuedToken;
import dev.camrelay.core.token.RevocationList;
import dev.camrelay.core.token.TokenService;
import dev.camrelay.server.camera.Camera;
import dev.camrelay.server.camera.CameraRegistry;
import dev.camrelay.server.http.HttpError;
import dev.camrelay.server.http.JsonCodec;
import dev.camrelay.server.http.Request;
import dev.camrelay.server.http.Response;
import dev.camrelay.server.http.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The browser players: {@code GET /play/{cameraId}} (an LL-HLS page using the bundled hls.js in low-latency mode) and
 * {@code GET /play/{cameraId}?protocol=webrtc} (a WHEP page, non-trickle); either takes the viewer token from
 * {@code ?token=}. Also {@code GET /play/assets/hls.min.js} and, only while the demo camera is enabled,
 * {@code POST /play/demo/session[?protocol=webrtc]}, which mints a short-lived viewer session of the demo camera
 * without a key so the URLs {@code ./relay} prints play at once. That endpoint is rate-limited
 * ({@link DemoSessionRate}) and can only ever name the demo camera.
 *
 * <p>Threading: stateless apart from the thread-safe rate limiter; handlers run concurrently.
 */
public final class PlayerApi {

    static final String PAGE_RESOURCE = "/player/index.html";
    static final String WEBRTC_PAGE_RESOURCE = "/player/webrtc.html";
    static final String HLS_JS_RESOURCE = "/player/hls.min.js";
    static final String HLS_JS_LICENSE_RESOURCE = "/player/hls.js-LICENSE.txt";
    /** Demo sessions are for a quick look: ten minutes, then the page must be reloaded. */
    public static final Duration DEMO_SESSION_TTL = Duration.ofMinutes(10);
    /** The bundled script is the same for everyone and changes only with the relay's version. */
    static final String ASSET_CACHING = "public, max-age=3600";

    private final byte[] page = resource(PAGE_RESOURCE);
    private final byte[] webrtcPage = resource(WEBRTC_PAGE_RESOURCE);
    private final byte[] hlsJs = resource(HLS_JS_RESOURCE);
    private final byte[] hlsJsLicense = resource(HLS_JS_LICENSE_RESOURCE);
    private final DemoSessionRate rate = new DemoSessionRate();
    private final CameraRegistry cameras;
    private final SessionRegistry sessions;
    private final TokenService tokens;
    private final RevocationList revocations;
    private final JsonCodec json;
    private final String demoCameraId;

    /** @param demoCameraId the demo camera's id, or null when the demo is disabled (no session endpoint then) */
    public PlayerApi(CameraRegistry cameras, SessionRegistry sessions, TokenService tokens, RevocationList revocations,
                     JsonCodec json, String demoCameraId) {
        this.cameras = cameras;
        this.sessions = sessions;
        this.tokens = tokens;
        this.revocations = revocations;
        this.json = json;
        this.demoCameraId = demoCameraId;
    }

    public void register(Router router) {
        router.add("GET", "/play/assets/hls.min.js", r -> asset(hlsJs, "text/javascript; charset=utf-8"));
        router.add("GET", "/play/assets/hls.js-LICENSE.txt", r -> asset(hlsJsLicense, "text/plain; charset=utf-8"));
        router.add("GET", "/play/{cameraId}", this::page);
        if (demoCameraId != null) {
            router.add("POST", "/play/" + demoCameraId + "/session", this::demoSession);
        }
    }

    private Response page(Request request) {
        String id = request.pathParam("cameraId");
        cameras.find(id).orElseThrow(() -> HttpError.notFound("no camera '" + id + "'"));
        String protocol = request.queryParam("protocol");
        if (protocol != null && !protocol.equals("hls") && !protocol.equals("webrtc")) {
            throw HttpError.badRequest("bad_protocol", "protocol must be hls (the default) or webrtc");
        }
        return new Response(200, "text/html; charset=utf-8", "webrtc".equals(protocol) ? webrtcPage : page,
                Map.of("Cache-Control", "no-cache"));
    }

    private static Response asset(byte[] bytes, String type) {
        return new Response(200, type, bytes, Map.of("Cache-Control", ASSET_CACHING));
    }

    private Response demoSession(Request request) {
        Protocol protocol = "webrtc".equals(request.queryParam("protocol")) ? Protocol.WEBRTC : Protocol.HLS;
        if (!rate.tryAcquire(System.nanoTime())) {
            throw new HttpError(429, "rate_limited", "too many demo sessions; wait a few seconds and reload",
                    Map.of("Retry-After", Long.toString(DemoSessionRate.REFILL_NANOS / 1_000_000_000L)));
        }
        Camera demo = cameras.find(demoCameraId)
                .orElseThrow(() -> HttpError.notFound("the demo camera is not enabled"));
        IssuedToken token = tokens.issue("demo-viewer", demo.id(), DEMO_SESSION_TTL);
        ViewerSession session;
        try {
            session = sessions.create(demo.id(), protocol, "demo-viewer", DEMO_SESSION_TTL, token.jti(),
                    demo.epoch());
        } catch (SessionLimitException e) {
            revocations.revoke(token.jti(), token.expiresAt());
            throw HttpError.conflict("session_limit", "the demo camera has its maximum of viewer sessions; "
                    + "try again when one expires");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sessionId", session.id().value());
        out.put("token", token.token());
        out.put("expiresAt", session.expiresAt().toString());
        out.put("hlsUrl", "/hls/" + demo.id() + "/index.m3u8?token="
                + URLEncoder.encode(token.token(), StandardCharsets.UTF_8));
        out.put("whepUrl", "/whep/" + demo.id());
        out.put("protocol", protocol.name().toLowerCase(Locale.ROOT));
        return json.response(201, out);
    }

    private static byte[] resource(String name) {
        try (InputStream in = PlayerApi.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name + " in the relay's jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
