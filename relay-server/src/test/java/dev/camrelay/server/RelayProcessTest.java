package dev.camrelay.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link RelayMain} as its own process, the way {@code ./relay} runs it (the shaded jar is built after the test
 * phase, so the process gets the test class path instead): it prints the start-up block, serves, and on SIGTERM
 * stops with exit status 0 within 5 s.
 */
@Timeout(90)
class RelayProcessTest {

    private static final Pattern RUNNING = Pattern.compile("camrelay is running \\(HTTP (\\d+)");
    private static final String ADMIN_KEY = "process-test-admin-key-42";

    private static ProcessBuilder relay(String... args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED");
        if (Runtime.version().feature() >= 23) {
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(RelayMain.class.getName());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("RELAY_"));
        env.put("RELAY_HTTP_PORT", "0");
        env.put("RELAY_RTSP_PORT", "0");
        env.put("RELAY_WEBRTC_PORT", "0");
        env.put("RELAY_BIND", "127.0.0.1");
        env.put("RELAY_ADMIN_KEY", ADMIN_KEY);
        env.put("RELAY_STREAM_BUFFER_BYTES", Integer.toString(1 << 20));
        return pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    }

    @Test
    void sigtermStopsTheRelayWithStatusZeroWithinFiveSeconds() throws Exception {
        Process p = relay().start();
        try {
            List<String> lines = new ArrayList<>();
            int port = awaitPort(p, lines);
            CompletableFuture.runAsync(() -> drain(p)); // keep the pipe from filling

            String banner = String.join("\n", lines);
            TestClient api = new TestClient("http://127.0.0.1:" + port, ADMIN_KEY);
            assertThat(api.get("/healthz").statusCode()).isEqualTo(200);
            assertThat(api.get("/api/v1/cameras").statusCode()).isEqualTo(200);

            long start = System.nanoTime();
            p.destroy(); // SIGTERM on Linux
            boolean exited = p.waitFor(5, TimeUnit.SECONDS);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertThat(exited).as("exited within 5 s of SIGTERM").isTrue();
            assertThat(p.exitValue()).as("exit status after SIGTERM").isZero();
            assertThat(millis).isLessThan(5000);
            assertThat(banner).contains("camrelay is running");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void theStartUpBlockShowsDashboardKeyAndPlayerUrls() throws Exception {
        Process p = relay().start();
        try {
            List<String> lines = new ArrayList<>();
            int port = awaitPort(p, lines);
            // The block is printed in one go; read what follows for a moment on another thread (a blocking read on
            // the process's stdout cannot be interrupted, and the relay keeps running after its banner).
            BufferedReader out = reader(p);
            BlockingQueue<String> more = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                try {
                    String line;
                    while ((line = out.readLine()) != null) {
                        more.add(line);
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            }, "banner-reader");
            reader.setDaemon(true);
            reader.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            String next;
            while (System.nanoTime() < deadline
                    && (next = more.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) != null) {
                lines.add(next);
            }
            String banner = String.join("\n", lines);
            String base = "http://127.0.0.1:" + port;

            assertThat(banner).contains(base + "/dashboard", ADMIN_KEY, base + "/play/demo",
                    base + "/play/demo?protocol=webrtc", base + "/api/v1/cameras/demo/sessions", "rtsp ingest",
                    "DTLS-SRTP");
        } finally {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void helpListsEveryVariableAndExitsZero() throws Exception {
        Process p = relay("--help").start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();

            assertThat(p.exitValue()).isZero();
            assertThat(out).contains("RELAY_HTTP_PORT", "RELAY_RTSP_PORT", "RELAY_WEBRTC_PORT", "RELAY_BIND",
                    "RELAY_ADMIN_KEY", "RELAY_TOKEN_SECRET", "RELAY_DEMO", "RELAY_PUBLIC_URL");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aConfigurationErrorExitsWithStatusTwo() throws Exception {
        ProcessBuilder pb = relay().redirectError(ProcessBuilder.Redirect.PIPE);
        pb.environment().put("RELAY_HTTP_PORT", "not-a-port");
        Process p = pb.start();
        try {
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();

            assertThat(p.exitValue()).isEqualTo(2);
            assertThat(err).contains("RELAY_HTTP_PORT");
        } finally {
            p.destroyForcibly();
        }
    }

    private static BufferedReader readerOf(Process p) {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    }

    private static final Map<Process, BufferedReader> READERS = new java.util.concurrent.ConcurrentHashMap<>();

    private static BufferedReader reader(Process p) {
        return READERS.computeIfAbsent(p, RelayProcessTest::readerOf);
    }

    /** Reads stdout until the start-up line names the bound HTTP port (bounded by the class timeout). */
    private static int awaitPort(Process p, List<String> lines) throws IOException {
        BufferedReader out = reader(p);
        String line;
        while ((line = out.readLine()) != null) {
            lines.add(line);
            Matcher m = RUNNING.matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("the relay exited before it was running; stdout:\n" + String.join("\n", lines));
    }

    private static void drain(Process p) {
        try {
            BufferedReader out = reader(p);
            while (out.readLine() != null) {
                // discard
            }
        } catch (IOException ignored) {
            // the process ended
        } finally {
            READERS.remove(p);
        }
    }
}
