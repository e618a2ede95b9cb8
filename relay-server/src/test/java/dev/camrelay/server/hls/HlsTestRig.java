package dev.camrelay.server.hls;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.camrelay.core.codec.h264.AnnexB;
import dev.camrelay.core.codec.h264.SeiCameraTag;
import dev.camrelay.server.Relay;
import dev.camrelay.server.config.RelayConfigLoader;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The relay in-process on port 0, its admin API, HLS fetches, and real tools (ffmpeg) bounded by PID. */
final class HlsTestRig implements AutoCloseable {

    static final String ADMIN_KEY = "test-admin-key-0123456789";
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Pattern URI_ATTR = Pattern.compile("URI=\"([^\"]+)\"");

    final Relay relay;
    final String base;
    final HttpClient http;

    HlsTestRig() throws Exception {
        this(Map.of());
    }

    /** @param extraEnv further configuration, e.g. a higher session cap for load */
    HlsTestRig(Map<String, String> extraEnv) throws Exception {
        this(extraEnv, null);
    }

    /**
     * @param trust for a relay serving HTTPS ({@code RELAY_TLS_CERT} in {@code extraEnv}): an SSL context that
     *              trusts its certificate; null for plain HTTP
     */
    HlsTestRig(Map<String, String> extraEnv, javax.net.ssl.SSLContext trust) throws Exception {
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "RELAY_HTTP_PORT", "0", "RELAY_RTSP_PORT", "0", "RELAY_WEBRTC_PORT", "0",
                "RELAY_BIND", "127.0.0.1", "RELAY_ADMIN_KEY", ADMIN_KEY,
                "RELAY_STREAM_BUFFER_BYTES", Integer.toString(4 << 20)));
        env.putAll(extraEnv);
        relay = Relay.start(RelayConfigLoader.load(null, env));
        base = (trust == null ? "http" : "https") + "://127.0.0.1:" + relay.ports().http();
        HttpClient.Builder client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(TIMEOUT);
        http = (trust == null ? client : client.sslContext(trust)).build();
        awaitLive("demo");
    }

    void awaitLive(String camera) throws Exception {
        Instant deadline = Instant.now().plusSeconds(15);
        while (Instant.now().isBefore(deadline)) {
            if (relay.cameras().find(camera).map(c -> c.state().isLive()).orElse(false)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("camera " + camera + " not live within 15 s");
    }

    HttpResponse<String> admin(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A new HLS viewer session: {sessionId, token, hlsUrl, ...}. */
    JsonNode session(String camera, int ttlSeconds) throws Exception {
        HttpResponse<String> r = admin("POST", "/api/v1/cameras/" + camera + "/sessions",
                "{\"protocol\":\"hls\",\"ttlSeconds\":" + ttlSeconds + ",\"viewer\":\"v\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body());
    }

    HttpResponse<byte[]> get(String urlOrPath) throws Exception {
        return get(urlOrPath, Map.of());
    }

    HttpResponse<byte[]> get(String urlOrPath, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(resolve(urlOrPath)).timeout(TIMEOUT);
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    URI resolve(String urlOrPath) {
        return URI.create(urlOrPath.startsWith("http") ? urlOrPath : base + urlOrPath);
    }

    static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    /** A playback: the media playlist's absolute URL from the camera's multivariant playlist. */
    String mediaPlaylistUrl(String hlsUrl) throws Exception {
        HttpResponse<byte[]> r = get(hlsUrl);
        assertThat(r.statusCode()).as(text(r)).isEqualTo(200);
        String uri = text(r).lines().filter(l -> !l.startsWith("#") && !l.isBlank()).findFirst().orElseThrow();
        return resolve(hlsUrl).resolve(uri).toString();
    }

    /** URIs of init sections, parts and segments in a media playlist, in order (preload hint excluded). */
    static List<String> mediaUris(String playlist) {
        List<String> out = new ArrayList<>();
        for (String line : playlist.split("\n")) {
            if (line.startsWith("#EXT-X-PRELOAD-HINT") || line.startsWith("#EXT-X-RENDITION-REPORT")) {
                continue;
            }
            if (line.startsWith("#")) {
                Matcher m = URI_ATTR.matcher(line);
                if (m.find()) {
                    out.add(m.group(1));
                }
            } else if (!line.isBlank()) {
                out.add(line.strip());
            }
        }
        return out;
    }

    /** The tag of every access unit of a fragment (or segment); fails on any access unit without one. */
    static List<String> tags(byte[] fragment) {
        List<String> tags = new ArrayList<>();
        List<byte[]> samples = Fmp4Samples.samples(fragment, 1);
        for (int i = 0; i < samples.size(); i++) {
            byte[] sample = samples.get(i);
            Optional<String> tag = SeiCameraTag.findInAvcc(sample);
            assertThat(tag).as("access unit %d of %d (%d bytes, NAL types %s) carries a camera tag", i,
                    samples.size(), sample.length, nalTypes(sample)).isPresent();
            tags.add(tag.get());
        }
        return tags;
    }

    private static List<Integer> nalTypes(byte[] avcc) {
        List<Integer> types = new ArrayList<>();
        for (byte[] nal : AnnexB.fromAvcc(avcc, 0, avcc.length)) {
            types.add(nal.length == 0 ? -1 : nal[0] & 0x1F);
        }
        return types;
    }

    /** Runs a tool bounded by {@code seconds}, killed by PID on time-out; fails clearly when it is missing. */
    static ToolRun run(int seconds, String... command) throws Exception {
        requireTool(command[0]);
        Path out = Files.createTempFile("tool", ".out");
        Path err = Files.createTempFile("tool", ".err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        try {
            boolean exited = p.waitFor(seconds, TimeUnit.SECONDS);
            if (!exited) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            return new ToolRun(exited ? p.exitValue() : -1, Files.readString(out), Files.readString(err));
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    static void requireTool(String tool) {
        if (!new File(tool).canExecute() && !onPath(tool)) {
            throw new AssertionError(tool + " is required for this test and was not found; install it "
                    + "(apt-get install ffmpeg chromium) or run ./scripts/test.sh as root");
        }
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(dir, tool).canExecute()) {
                return true;
            }
        }
        return false;
    }

    /**
     * An H.264 Annex B clip of {@code seconds} whose every access unit carries the SEI camera tag {@code tag}.
     * FFmpeg 5.1 puts the user-data SEI of IDR pictures after the IDR slice (after SPS/PPS re-insertion), which is
     * not the order H.264 7.4.1.2.3 allows and would attach it to the next access unit; {@code aud=insert} marks the
     * access units, and {@link #seiBeforeSlices} puts each SEI back in front of its picture.
     */
    static byte[] taggedClip(String tag, int seconds) throws Exception {
        return taggedClip(tag, seconds, 25);
    }

    /** As {@link #taggedClip(String, int)}, 25 fps, with a keyframe every {@code gopFrames} frames. */
    static byte[] taggedClip(String tag, int seconds, int gopFrames) throws Exception {
        Path file = Files.createTempFile("clip-" + tag, ".h264");
        try {
            ToolRun r = run(60, "ffmpeg", "-nostdin", "-y", "-v", "error", "-f", "lavfi", "-i",
                    "testsrc2=size=320x180:rate=25", "-t", Integer.toString(seconds), "-c:v", "libx264",
                    "-profile:v", "baseline", "-g", Integer.toString(gopFrames), "-bf", "0", "-pix_fmt", "yuv420p",
                    "-flags", "+global_header",
                    "-bsf:v", "dump_extra=freq=all,h264_metadata=aud=insert:sei_user_data="
                            + SeiCameraTag.UUID_TEXT + "+" + tag, "-f", "h264", file.toString());
            assertThat(r.exit()).as(r.err()).isZero();
            return seiBeforeSlices(Files.readAllBytes(file));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Re-orders each AUD-delimited access unit as parameter sets, SEI, slices; drops the delimiters. */
    static byte[] seiBeforeSlices(byte[] annexB) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(annexB.length);
        List<byte[]> unit = new ArrayList<>();
        List<byte[]> nals = new ArrayList<>(AnnexB.split(annexB));
        nals.add(new byte[] {9});
        for (byte[] nal : nals) {
            int type = nal[0] & 0x1F;
            if (type == 9) {
                unit.sort(java.util.Comparator.comparingInt(n -> rank(n[0] & 0x1F)));
                for (byte[] n : unit) {
                    out.writeBytes(new byte[] {0, 0, 0, 1});
                    out.writeBytes(n);
                }
                unit.clear();
            } else {
                unit.add(nal);
            }
        }
        return out.toByteArray();
    }

    private static int rank(int nalType) {
        return nalType == 7 ? 0 : nalType == 8 ? 1 : nalType == 6 ? 2 : 3;
    }

    @Override
    public void close() {
        relay.close();
    }

    /** What a tool run left. */
    record ToolRun(int exit, String out, String err) {
    }
}
