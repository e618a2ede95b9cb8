package dev.camrelay.server.webrtc;

import dev.camrelay.core.codec.h264.SeiCameraTag;
import dev.camrelay.server.Relay;
import dev.camrelay.server.camera.Camera;
import dev.camrelay.server.config.CameraSpec;
import dev.camrelay.server.config.RelayConfigLoader;
import dev.camrelay.server.demo.DemoCamera;
import dev.camrelay.server.demo.DemoClip;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real relay in-process on ephemeral ports (HTTP and the WebRTC UDP port, bound to 127.0.0.1) with three
 * cameras: the built-in {@code demo} (every frame tagged DEMO), {@code cam-b} (the demo clip tagged CAM-B, so its
 * frames are told apart from demo's) and {@code idle-cam}, which never goes live. A JUnit extension: a test class
 * registers one as a static field, which starts the relay before its tests and closes it after them. Its fields are
 * set before the first test and read by the test thread only.
 */
final class TwoCameraRelay implements BeforeAllCallback, AfterAllCallback {

    private static final String ADMIN_KEY = "test-admin-key-webrtc-0123456789";

    Relay relay;
    RelayAdmin admin;
    String base;

    /** Starts the relay and waits until demo and cam-b are live. */
    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        relay = Relay.start(RelayConfigLoader.load(null, Map.of(
                "RELAY_HTTP_PORT", "0", "RELAY_RTSP_PORT", "0", "RELAY_WEBRTC_PORT", "0",
                "RELAY_BIND", "127.0.0.1", "RELAY_ADMIN_KEY", ADMIN_KEY,
                "RELAY_STREAM_BUFFER_BYTES", Integer.toString(1 << 21))));
        base = "http://127.0.0.1:" + relay.ports().http();
        admin = new RelayAdmin(base, ADMIN_KEY);
        Camera b = relay.cameras().add(CameraSpec.demo("cam-b"), "test camera tagged CAM-B");
        DemoCamera camB = new DemoCamera(retag(DemoClip.load(), "CAM-B"), b.sink());
        b.attachIngest(camB::close);
        camB.start();
        relay.cameras().add(CameraSpec.demo("idle-cam"), "test camera that never goes live");
        awaitLive("demo");
        awaitLive("cam-b");
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (relay != null) {
            relay.close();
        }
    }

    /** The relay's WebRTC UDP port. */
    int webrtcPort() {
        return relay.ports().webrtc().orElseThrow();
    }

    private void awaitLive(String camera) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() - deadline < 0) {
            if (relay.cameras().find(camera).map(c -> c.state().isLive()).orElse(false)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(camera + " not live within 10 s");
    }

    /** The demo clip with its SEI camera tag replaced. */
    private static DemoClip retag(DemoClip clip, String tag) {
        byte[] sei = SeiCameraTag.buildSei(tag);
        List<UnsafeBuffer> frames = new ArrayList<>();
        for (UnsafeBuffer au : clip.frames()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int at = 0;
            while (at + 4 <= au.capacity()) {
                int length = au.getInt(at, ByteOrder.BIG_ENDIAN);
                byte[] nal = new byte[length];
                au.getBytes(at + 4, nal);
                at += 4 + length;
                byte[] keep = SeiCameraTag.find(List.of(nal)).isPresent() ? sei : nal;
                out.writeBytes(ByteBuffer.allocate(4).putInt(keep.length).array());
                out.writeBytes(keep);
            }
            frames.add(new UnsafeBuffer(out.toByteArray()));
        }
        return new DemoClip(clip.format(), frames, clip.keyframes(), clip.gopFrames());
    }
}
