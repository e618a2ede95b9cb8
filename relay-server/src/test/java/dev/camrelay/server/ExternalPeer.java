package dev.camrelay.server;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real peer process for a test (ffmpeg, GStreamer): fails clearly when the tool is missing, bounds its run time
 * with {@code timeout -s KILL}, and is killed by its PID (with its children) at the end.
 */
final class ExternalPeer implements AutoCloseable {

    private final Process process;
    private final Path log;

    private ExternalPeer(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static String require(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return fail(name + " is not installed or not on the PATH; this test needs the real tool");
    }

    /** Starts {@code command} bounded by {@code timeoutSeconds}; stdout and stderr go to {@code log}. */
    static ExternalPeer start(Path log, int timeoutSeconds, String... command) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(require("timeout"));
        cmd.add("-s");
        cmd.add("KILL");
        cmd.add(String.valueOf(timeoutSeconds));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ExternalPeer(p, log);
    }

    /** The FFmpeg test camera of test-rig.md: 640x360 at 25 fps, GOP 25, AAC, every frame tagged {@code tag}. */
    static ExternalPeer ffmpegPush(Path log, String url, String transport, String tag, int seconds)
            throws IOException {
        return start(log, seconds + 20, require("ffmpeg"), "-nostdin", "-hide_banner", "-loglevel", "info",
                "-re", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-f", "lavfi", "-i",
                "sine=sample_rate=48000", "-t", String.valueOf(seconds), "-c:v", "libx264", "-tune", "zerolatency",
                "-g", "25", "-c:a", "aac", "-bsf:v", "dump_extra=freq=all,h264_metadata=sei_user_data="
                        + TAG_UUID + "+" + tag,
                "-f", "rtsp", "-rtsp_transport", transport, url);
    }

    /** The SEI camera tag's UUID (test-rig.md): FFmpeg's h264_metadata writes it on every frame. */
    static final String TAG_UUID = "086f3693-b7b3-4f2c-9653-21492feee5b8";

    /**
     * Encodes a clip for a GStreamer camera to serve: Matroska, H.264 320x240 at 25 fps with a keyframe every 25
     * frames and {@code tag} in a SEI on every frame, AAC 48 kHz; {@code seconds} long ({@code seconds * 25} frames).
     */
    static Path taggedClip(Path file, String tag, int seconds) throws IOException, InterruptedException {
        Path log = file.resolveSibling(file.getFileName() + ".log");
        ExternalPeer ffmpeg = start(log, 60, require("ffmpeg"), "-nostdin", "-hide_banner", "-loglevel", "error",
                "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "lavfi", "-i",
                "sine=sample_rate=48000", "-t", String.valueOf(seconds), "-c:v", "libx264", "-preset", "ultrafast",
                "-tune", "zerolatency", "-g", "25", "-c:a", "aac", "-bsf:v",
                "dump_extra=freq=all,h264_metadata=sei_user_data=" + TAG_UUID + "+" + tag, file.toString());
        if (ffmpeg.await(60) != 0) {
            fail("ffmpeg could not encode the clip: " + ffmpeg.logText());
        }
        return file;
    }

    /** Waits for the exit; kills the process if it outlives the bound. */
    int await(int timeoutSeconds) throws InterruptedException, IOException {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            close();
            return fail("process " + process.pid() + " did not finish in " + timeoutSeconds + " s; log:\n"
                    + logText());
        }
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String logText() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
