package dev.camrelay.server.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.camrelay.server.Relay;
import dev.camrelay.server.config.RelayConfigLoader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Interop with a real browser: headless Chromium, in a network namespace of the test's own joined by a veth pair,
 * opens the relay's player page {@code /play/demo?protocol=webrtc}, which does WHEP against the relay bound to the
 * host end of the pair; the test reads {@code framesDecoded} from the page over the DevTools protocol (a
 * dependency-free Node script). Needs root, iproute2, /usr/bin/chromium and Node (16+): without them it fails,
 * saying what is missing.
 */
@Timeout(180)
class ChromiumWhepTest {

    private static final String ADMIN_KEY = "test-admin-key-chromium-0123456789";
    private static final int PLAY_SECONDS = 25;
    private static final int MIN_FRAMES = 50;

    @Test
    void chromiumInANetworkNamespacePlaysTheDemoCameraThroughThePlayerPage() throws Exception {
        requireTools();
        Path probe = Files.createTempFile("cdp-probe", ".mjs");
        Path profile = Files.createTempDirectory("chromium-profile");
        try (InputStream in = ChromiumWhepTest.class.getResourceAsStream("/chromium/cdp-probe.mjs")) {
            Files.write(probe, in.readAllBytes());
        }
        try (VethNamespace ns = VethNamespace.create();
             Relay relay = Relay.start(RelayConfigLoader.load(null, Map.of(
                     "RELAY_HTTP_PORT", "0", "RELAY_RTSP_PORT", "0", "RELAY_WEBRTC_PORT", "0",
                     "RELAY_BIND", ns.hostAddress, "RELAY_ADMIN_KEY", ADMIN_KEY,
                     "RELAY_STREAM_BUFFER_BYTES", Integer.toString(1 << 21))))) {
            String base = "http://" + ns.hostAddress + ":" + relay.ports().http();
            String token = newSession(base);
            String url = base + "/play/demo?protocol=webrtc&token=" + token;
            List<String> command = ns.exec(List.of("timeout", "-s", "KILL", Integer.toString(PLAY_SECONDS + 40),
                    "node", probe.toString(), url, Integer.toString(PLAY_SECONDS),
                    Integer.toString(MIN_FRAMES), profile.toString()));
            List<String> lines = run(command, PLAY_SECONDS + 45);

            String result = lines.stream().filter(l -> l.startsWith("RESULT ")).reduce((a, b) -> b)
                    .orElseThrow(() -> new AssertionError("no RESULT from the probe:\n" + String.join("\n", lines)));
            JsonNode player = new ObjectMapper().readTree(result.substring("RESULT ".length()));
            System.out.println("Chromium player: " + player);
            assertThat(player.path("error").isNull() || player.path("error").isMissingNode())
                    .as("player error: %s", player).isTrue();
            assertThat(player.path("framesDecoded").asInt()).as("Chromium framesDecoded; probe output:\n%s",
                    String.join("\n", lines)).isGreaterThanOrEqualTo(MIN_FRAMES);
            assertThat(player.path("frameWidth").asInt()).isEqualTo(640);
            assertThat(relay.violations().total()).isZero();
        } finally {
            killBrowsersUsing(profile);
            Files.deleteIfExists(probe);
            deleteTree(profile);
        }
    }

    /** Backstop: kills, by PID, any browser process still running with this test's own profile directory. */
    private static void killBrowsersUsing(Path profile) {
        String marker = "--user-data-dir=" + profile;
        ProcessHandle.allProcesses()
                .filter(h -> h.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                .forEach(h -> {
                    h.destroyForcibly();
                    System.out.println("killed leftover browser process " + h.pid());
                });
    }

    private static String newSession(String base) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(base + "/api/v1/cameras/demo/sessions")).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"protocol\": \"webrtc\", \"ttlSeconds\": 600, \"viewer\": \"chromium\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return new ObjectMapper().readTree(r.body()).path("token").asText();
    }

    /** Runs a bounded process, collecting its output; killed (with its descendants) at the end. */
    private static List<String> run(List<String> command, int timeoutSeconds) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                }
            } catch (IOException e) {
                // process killed
            }
        });
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                lines.add("(probe killed after " + timeoutSeconds + " s)");
            }
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
            reader.join(2000);
        }
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    private static void requireTools() throws Exception {
        List<String> missing = new ArrayList<>();
        if (!"root".equals(System.getProperty("user.name"))) {
            missing.add("root (network namespaces and veth pairs need CAP_NET_ADMIN)");
        }
        if (!Files.isExecutable(Path.of("/usr/bin/chromium"))) {
            missing.add("/usr/bin/chromium (apt-get install chromium)");
        }
        if (!onPath("ip")) {
            missing.add("ip (apt-get install iproute2)");
        }
        if (!onPath("node")) {
            missing.add("node (apt-get install nodejs)");
        }
        if (!missing.isEmpty()) {
            fail("the Chromium WebRTC test needs: " + String.join(", ", missing));
        }
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/usr/sbin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", tool));
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
