package dev.camrelay.server.webrtc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.camrelay.server.Relay;
import dev.camrelay.server.config.RelayConfigLoader;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The real relay in-process on ephemeral ports with one push camera that a real FFmpeg publishes to over RTSP
 * ({@link FfmpegCamera}): live when {@link #start} returns. {@link #close} stops FFmpeg, then the relay. Used by the
 * test thread only.
 */
final class PushCameraRelay implements AutoCloseable {

    private static final String ADMIN_KEY = "test-admin-key-webrtc-push-0123456789";

    final Relay relay;
    final RelayAdmin admin;
    final String camera;
    /** The camera's entry in the cameras API once it went live. */
    final JsonNode cameraEntry;
    private final FfmpegCamera ffmpeg;

    private PushCameraRelay(Relay relay, RelayAdmin admin, String camera, JsonNode cameraEntry, FfmpegCamera ffmpeg) {
        this.relay = relay;
        this.admin = admin;
        this.camera = camera;
        this.cameraEntry = cameraEntry;
        this.ffmpeg = ffmpeg;
    }

    /**
     * @param bind      the address the relay binds, which FFmpeg publishes to
     * @param extraEnv  further configuration (e.g. {@code RELAY_DEMO=false})
     * @param needs     what the test needs of FFmpeg, for the message when it is missing
     * @param seconds   how long FFmpeg publishes
     * @param arguments FFmpeg's arguments (after {@code -re}) for the camera's publish URL
     */
    static PushCameraRelay start(String bind, Map<String, String> extraEnv, String camera, String needs, int seconds,
                                 Function<String, List<String>> arguments) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("RELAY_HTTP_PORT", "0", "RELAY_RTSP_PORT", "0",
                "RELAY_WEBRTC_PORT", "0", "RELAY_BIND", bind, "RELAY_ADMIN_KEY", ADMIN_KEY));
        env.putAll(extraEnv);
        Relay relay = Relay.start(RelayConfigLoader.load(null, env));
        FfmpegCamera ffmpeg = null;
        try {
            RelayAdmin admin = new RelayAdmin("http://" + bind + ":" + relay.ports().http(), ADMIN_KEY);
            admin.createPushCamera(camera);
            ffmpeg = FfmpegCamera.start(needs, seconds, arguments.apply(
                    FfmpegCamera.publishUrl(bind, relay.ports().rtsp().getAsInt(), camera)));
            JsonNode entry = admin.awaitLive(camera, ffmpeg::log);
            return new PushCameraRelay(relay, admin, camera, entry, ffmpeg);
        } catch (Exception | AssertionError e) {
            if (ffmpeg != null) {
                ffmpeg.close();
            }
            relay.close();
            throw e;
        }
    }

    /** The relay's WebRTC UDP port. */
    int webrtcPort() {
        return relay.ports().webrtc().orElseThrow();
    }

    @Override
    public void close() throws Exception {
        try {
            ffmpeg.close();
        } finally {
            relay.close();
        }
    }
}
