package dev.camrelay.server;

import dev.camrelay.server.config.RelayConfigLoader;
import java.util.Map;

/**
 * The relay the RTSP tests run against: in-process, every port ephemeral on 127.0.0.1, no demo camera, 16 MiB
 * stream buffers (a few seconds of the test rig's streams), and an API client with its admin key.
 */
final class RtspTestRelay {

    static final String ADMIN_KEY = "test-admin-key-rtsp-0123456789";

    private RtspTestRelay() {
    }

    static Relay start() throws Exception {
        return Relay.start(RelayConfigLoader.load(null, Map.of(
                "RELAY_HTTP_PORT", "0", "RELAY_RTSP_PORT", "0", "RELAY_WEBRTC_PORT", "0",
                "RELAY_BIND", "127.0.0.1", "RELAY_ADMIN_KEY", ADMIN_KEY, "RELAY_DEMO", "false",
                "RELAY_STREAM_BUFFER_BYTES", Integer.toString(16 << 20))));
    }

    static TestClient admin(Relay relay) {
        return new TestClient("http://127.0.0.1:" + relay.ports().http(), ADMIN_KEY);
    }
}
