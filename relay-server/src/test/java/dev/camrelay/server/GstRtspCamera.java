package dev.camrelay.server;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A camera to pull from: GStreamer's RTSP server ({@code gstreamer/rtsp_camera.py}, Debian's python3 with gi;
 * test-rig.md) on 127.0.0.1, serving {@code /cam}. Started bounded, ready once it prints "ready", killed by PID.
 * The script is relay-rtsp's (its tests use it too), read from that module's test resources beside this one.
 */
final class GstRtspCamera implements AutoCloseable {

    static final String SCRIPT = "../relay-rtsp/src/test/resources/gstreamer/rtsp_camera.py";
    private static final Duration READY_WITHIN = Duration.ofSeconds(15);

    private final ExternalPeer process;
    private final int port;

    private GstRtspCamera(ExternalPeer process, int port) {
        this.process = process;
        this.port = port;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * @param user    null for no authentication
     * @param options more script options: {@code --auth basic}, {@code --protocols tcp}, {@code --clip FILE}
     */
    static GstRtspCamera start(Path log, int port, String user, String password, String... options)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", Path.of(SCRIPT).toAbsolutePath().toString(),
                String.valueOf(port)));
        if (user != null) {
            cmd.add(user);
            cmd.add(password);
        }
        cmd.addAll(List.of(options));
        ExternalPeer p = ExternalPeer.start(log, 120, cmd.toArray(String[]::new));
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains("ready")) {
                return new GstRtspCamera(p, port);
            }
            if (!p.isAlive()) {
                throw new AssertionError("GStreamer camera exited (Debian's python3-gi and "
                        + "gir1.2-gst-rtsp-server-1.0 are needed, test-rig.md): " + p.logText());
            }
            Thread.sleep(50);
        }
        p.close();
        throw new AssertionError("GStreamer camera not ready within " + READY_WITHIN + ": " + p.logText());
    }

    int port() {
        return port;
    }

    /** {@code rtsp://user:password@127.0.0.1:port/cam}, or without credentials when user is null. */
    String url(String user, String password) {
        return "rtsp://" + (user == null ? "" : user + ":" + password + "@") + "127.0.0.1:" + port + "/cam";
    }

    String logText() throws IOException {
        return process.logText();
    }

    @Override
    public void close() {
        process.close();
    }
}
