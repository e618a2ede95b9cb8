package dev.camrelay.server.api;

/**
 * Body of {@code POST /api/v1/cameras/{id}/sessions}.
 *
 * @param protocol   {@code hls} or {@code webrtc} (required)
 * @param ttlSeconds session and token lifetime; null: the configured default
 * @param viewer     who watches, e.g. the home cloud's user id; becomes the token's {@code sub} (required)
 */
public record CreateSessionRequest(String protocol, Integer ttlSeconds, String viewer) {
}
