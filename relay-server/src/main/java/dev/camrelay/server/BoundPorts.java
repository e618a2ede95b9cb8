package dev.camrelay.server;

import java.util.OptionalInt;

/**
 * The ports the relay actually listens on (the real ones when the config said 0).
 *
 * @param http   the HTTP port
 * @param rtsp   the RTSP port push cameras publish to
 * @param webrtc the WebRTC UDP port, empty while WebRTC egress is not part of the relay (WebRTC issue)
 */
public record BoundPorts(int http, OptionalInt rtsp, OptionalInt webrtc) {
}
