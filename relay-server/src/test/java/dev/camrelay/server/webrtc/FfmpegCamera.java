package dev.camrelay.server.webrtc;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real FFmpeg publishing a test camera to the relay over RTSP (test-rig.md), its run bounded by
 * {@code timeout -s KILL}, its output in a temporary log; killed by PID with its descendants on {@link #close}.
 */
final class FfmpegCamera implements AutoCloseable {

    /** The SEI camera tag's UUID (test-rig.md): FFmpeg's h264_metadata writes it into every frame. */
    static final String TAG_UUID = "086f3693-b7b3-4f2c-9653-21492feee5b8";
    /** How much longer than its {@code -t} FFmpeg may run before it is killed. */
    private static final int GRACE_SECONDS = 10;

    private final Process process;
    private final Path log;

    private FfmpegCamera(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code ffmpeg -nostdin -hide_banner -loglevel warning -re <arguments>}, killed after {@code seconds}
     * plus a grace; fails at once, saying what it needs, when ffmpeg is not installed.
     *
     * @param needs what the test needs of FFmpeg, for the failure message (e.g. "libx265")
     */
    static FfmpegCamera start(String needs, int seconds, List<String> arguments) throws IOException {
        if (!ChromiumDriver.onPath("ffmpeg")) {
            fail("this test needs ffmpeg with " + needs + " (apt-get install ffmpeg)");
        }
        List<String> command = new ArrayList<>(List.of("timeout", "-s", "KILL",
                Integer.toString(seconds + GRACE_SECONDS), "ffmpeg", "-nostdin", "-hide_banner", "-loglevel",
                "warning", "-re"));
        command.addAll(arguments);
        Path log = Files.createTempFile("ffmpeg-camera", ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new FfmpegCamera(p, log);
    }

    /** The RTSP URL a push camera {@code camera} publishes to, with the test's publish credentials. */
    static String publishUrl(String host, int rtspPort, String camera) {
        return "rtsp://" + RelayAdmin.PUBLISH_USER + ":" + RelayAdmin.PUBLISH_PASSWORD + "@" + host + ":" + rtspPort
                + "/" + camera;
    }

    /** The {@code -bsf:v} value that tags every H.264 frame with {@code tag} in an SEI (test-rig.md). */
    static String tagEveryFrame(String tag) {
        return "dump_extra=freq=all,h264_metadata=sei_user_data=" + TAG_UUID + "+" + tag;
    }

    /** What FFmpeg printed so far. */
    String log() throws IOException {
        return Files.exists(log) ? "ffmpeg:\n" + Files.readString(log) : "";
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
        Files.deleteIfExists(log);
    }
}
