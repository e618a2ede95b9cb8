package dev.camrelay.server.webrtc;

import dev.camrelay.server.http.HttpError;
import dev.camrelay.server.http.Request;
import dev.camrelay.server.http.Response;
import dev.camrelay.server.http.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * {@code GET /play/{cameraId}?protocol=webrtc&token=...}: a small WHEP player page (resource
 * {@value #RESOURCE}) that plays the camera in any WebRTC browser. The page holds no secret; the token in its URL is
 * checked by the WHEP endpoint it calls. Other protocols' players are not served here.
 *
 * <p>Threading: immutable after construction.
 */
public final class PlayerPage {

    public static final String RESOURCE = "/player/webrtc.html";

    private final byte[] page;

    public PlayerPage() {
        try (InputStream in = PlayerPage.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("player page " + RESOURCE + " is missing from the jar");
            }
            page = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void register(Router router) {
        router.add("GET", "/play/{cameraId}", this::serve);
    }

    private Response serve(Request request) {
        String protocol = request.queryParam("protocol");
        if (!"webrtc".equals(protocol)) {
            throw new HttpError(404, "player_not_available", "only the WebRTC player is served here so far: add "
                    + "?protocol=webrtc&token=<token of a webrtc session>");
        }
        return new Response(200, "text/html; charset=utf-8", page, Map.of("Cache-Control", "no-cache"));
    }
}
