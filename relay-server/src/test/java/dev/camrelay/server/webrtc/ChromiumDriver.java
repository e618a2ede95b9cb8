package dev.camrelay.server.webrtc;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One headless Chromium inside a {@link VethNamespace}, driven through {@code chromium/cdp-driver.mjs} (Node, the
 * DevTools protocol): open tabs, evaluate expressions in them. Every call has a deadline; the whole browser is bounded
 * by {@code timeout -s KILL} and is killed by PID (with its descendants, and any process still using this driver's
 * profile directory) on {@link #close}. Single-threaded use from the test thread; a virtual thread reads the output.
 */
final class ChromiumDriver implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long CALL_TIMEOUT_SECONDS = 20;

    private final Process process;
    private final Path script;
    private final Path profile;
    private final OutputStream commands;
    private final BlockingQueue<JsonNode> replies = new LinkedBlockingQueue<>();
    private final Deque<String> log = new ArrayDeque<>();
    private final Thread reader;
    private int nextId = 1;

    private ChromiumDriver(Process process, Path script, Path profile) {
        this.process = process;
        this.script = script;
        this.profile = profile;
        this.commands = process.getOutputStream();
        this.reader = Thread.ofVirtual().start(this::readOutput);
    }

    /** Starts Chromium in {@code ns}, alive for at most {@code seconds}; fails saying what is missing. */
    static ChromiumDriver start(VethNamespace ns, int seconds) throws Exception {
        requireTools();
        Path script = Files.createTempFile("cdp-driver", ".mjs");
        Path profile = Files.createTempDirectory("chromium-profile");
        try (InputStream in = ChromiumDriver.class.getResourceAsStream("/chromium/cdp-driver.mjs")) {
            Files.write(script, in.readAllBytes());
        }
        List<String> command = ns.exec(List.of("timeout", "-s", "KILL", Integer.toString(seconds + 10),
                "node", script.toString(), Integer.toString(seconds), profile.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        ChromiumDriver driver = new ChromiumDriver(p, script, profile);
        try {
            driver.awaitReady();
        } catch (Exception | AssertionError e) {
            driver.close();
            throw e;
        }
        return driver;
    }

    /** Opens {@code url} in a new tab; returns the tab's index. */
    int open(String url) throws Exception {
        return call(Map.of("op", "open", "url", url)).path("page").asInt();
    }

    /** The value of {@code expression} in tab {@code page} (awaited if it is a promise). */
    JsonNode eval(int page, String expression) throws Exception {
        return call(Map.of("op", "eval", "page", page, "expr", expression)).path("value");
    }

    /** {@code window.player} of the relay's WebRTC player page in tab {@code page}, or a missing node. */
    JsonNode player(int page) throws Exception {
        JsonNode text = eval(page, "JSON.stringify(window.player || null)");
        return text.isTextual() ? JSON.readTree(text.asText()) : text;
    }

    /** The driver's output so far (for failure messages). */
    String output() {
        synchronized (log) {
            return String.join("\n", log);
        }
    }

    private JsonNode call(Map<String, Object> command) throws Exception {
        int id = nextId++;
        Map<String, Object> withId = new java.util.LinkedHashMap<>(command);
        withId.put("id", id);
        commands.write((JSON.writeValueAsString(withId) + "\n").getBytes(StandardCharsets.UTF_8));
        commands.flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CALL_TIMEOUT_SECONDS);
        while (true) {
            JsonNode r = replies.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (r == null) {
                return fail("no reply from Chromium to %s within %d s; output:%n%s", command, CALL_TIMEOUT_SECONDS,
                        output());
            }
            if (r.path("id").asInt() != id) {
                continue;
            }
            if (r.has("error")) {
                return fail("Chromium refused %s: %s", command, r.path("error").asText());
            }
            return r;
        }
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CALL_TIMEOUT_SECONDS);
        while (System.nanoTime() < deadline) {
            JsonNode r = replies.poll(100, TimeUnit.MILLISECONDS);
            if (r != null && r.path("ready").asBoolean()) {
                return;
            }
            if (r != null && r.has("fatal")) {
                fail("Chromium did not start: %s", r.path("fatal"));
            }
            if (!process.isAlive()) {
                break;
            }
        }
        fail("Chromium's DevTools endpoint did not come up; output:%n%s", output());
    }

    private void readOutput() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (log) {
                    log.add(line.length() > 500 ? line.substring(0, 500) + "..." : line);
                    if (log.size() > 200) {
                        log.removeFirst();
                    }
                }
                if (line.startsWith("REPLY ")) {
                    replies.add(JSON.readTree(line.substring("REPLY ".length())));
                } else if (line.equals("READY")) {
                    replies.add(JSON.createObjectNode().put("ready", true));
                } else if (line.startsWith("FATAL ")) {
                    replies.add(JSON.createObjectNode().put("fatal", line.substring("FATAL ".length())));
                }
            }
        } catch (IOException e) {
            // the process was killed
        }
    }

    @Override
    public void close() {
        try {
            commands.close(); // the driver quits when its stdin closes
            process.waitFor(3, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            // kill below
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        killBrowsersUsing(profile);
        try {
            process.waitFor(5, TimeUnit.SECONDS);
            reader.join(2000);
            Files.deleteIfExists(script);
            deleteTree(profile);
        } catch (IOException | InterruptedException e) {
            // best effort: temporary files
        }
    }

    /** Backstop: kills, by PID, any browser process still running with this driver's own profile directory. */
    private static void killBrowsersUsing(Path profile) {
        String marker = "--user-data-dir=" + profile;
        ProcessHandle.allProcesses()
                .filter(h -> h.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                .forEach(h -> {
                    h.destroyForcibly();
                    System.out.println("killed leftover browser process " + h.pid());
                });
    }

    private static void requireTools() {
        List<String> missing = new ArrayList<>();
        if (!"root".equals(System.getProperty("user.name"))) {
            missing.add("root (network namespaces, veth pairs and nftables need CAP_NET_ADMIN)");
        }
        if (!Files.isExecutable(Path.of("/usr/bin/chromium"))) {
            missing.add("/usr/bin/chromium (apt-get install chromium)");
        }
        for (String tool : List.of("ip", "nft", "node")) {
            if (!onPath(tool)) {
                missing.add(tool + " (apt-get install " + switch (tool) {
                    case "ip" -> "iproute2";
                    case "nft" -> "nftables";
                    default -> "nodejs";
                } + ")");
            }
        }
        if (!missing.isEmpty()) {
            fail("the Chromium WebRTC test needs: " + String.join(", ", missing));
        }
    }

    static boolean onPath(String tool) {
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
