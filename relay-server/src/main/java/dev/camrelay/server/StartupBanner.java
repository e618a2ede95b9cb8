package dev.camrelay.server;

import dev.camrelay.server.api.RelayLinks;
import dev.camrelay.server.config.RelayConfig;

/** The block {@code ./relay} prints on stdout once it is up: where to look, the admin key, what to try. */
final class StartupBanner {

    private StartupBanner() {
    }

    static String render(Relay relay) {
        RelayConfig c = relay.config();
        RelayLinks links = relay.links();
        String key = c.adminKey();
        String api = links.publicUrl() + "/api/v1";
        StringBuilder out = new StringBuilder();
        out.append("camrelay is running (HTTP ").append(relay.ports().http()).append("; transport ")
                .append(relay.transport().name()).append(")\n");
        line(out, "dashboard", links.dashboardUrl());
        line(out, "admin key", key + (c.adminKeyGenerated()
                ? "   (generated; set RELAY_ADMIN_KEY to choose your own)" : "   (from configuration)"));
        if (c.demo()) {
            line(out, "demo camera", String.format("%-48s (LL-HLS in the browser, hls.js; plays at once)",
                    links.playUrl(RelayConfig.DEMO_CAMERA_ID)));
            line(out, "", String.format("%-48s (WebRTC in the browser, WHEP at %s; plays at once)",
                    links.playUrl(RelayConfig.DEMO_CAMERA_ID) + "?protocol=webrtc",
                    links.publicUrl() + "/whep/" + RelayConfig.DEMO_CAMERA_ID));
        }
        line(out, "try", "curl -H \"Authorization: Bearer " + key + "\" " + api + "/cameras");
        if (c.demo()) {
            line(out, "new session", "curl -H \"Authorization: Bearer " + key + "\" -H 'Content-Type: "
                    + "application/json' -d '{\"protocol\":\"hls\",\"ttlSeconds\":600,\"viewer\":\"me\"}' "
                    + api + "/cameras/" + RelayConfig.DEMO_CAMERA_ID + "/sessions");
        }
        line(out, "metrics", links.publicUrl() + "/metrics");
        relay.ports().webrtc().ifPresent(p -> line(out, "webrtc", "ICE-lite + DTLS-SRTP on " + p + "/udp"));
        relay.ports().rtsp().ifPresent(p -> line(out, "rtsp ingest", links.rtspBase() + "/{cameraId}"
                + "   (push cameras publish here with their publish credentials; RTSP " + p + "/tcp)"));
        return out.toString();
    }

    private static void line(StringBuilder out, String label, String value) {
        out.append(String.format("  %-15s%s%n", label, value));
    }
}
