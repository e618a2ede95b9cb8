package dev.camrelay.server.hls;

import dev.camrelay.server.Relay;

/** Test access to a relay's HLS streams (package-private in main code). */
final class HlsStreamsAccess {

    private HlsStreamsAccess() {
    }

    static HlsStream stream(Relay relay, String cameraId) {
        return relay.hlsStreams().forCamera(cameraId).orElseThrow();
    }
}
