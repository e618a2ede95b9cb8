package dev.camrelay.server.hls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.camrelay.server.hls.HlsTestRig.ToolRun;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The relay with a certificate configured ({@code RELAY_TLS_CERT}/{@code RELAY_TLS_KEY}, a self-signed one made by
 * openssl here) serves HTTPS on its HTTP port: real curl negotiates HTTP/2 by ALPN and fetches the multivariant and
 * media playlists, a part, and a blocking reload, also several at once over one connection; a client without h2 gets
 * HTTP/1.1 on the same port; plain HTTP sent to it is refused and counted.
 */
@Timeout(120)
class HlsOverHttp2Test {

    private static final Pattern PART = Pattern.compile("#EXT-X-PART:[^\\n]*URI=\"(part-\\d+-(\\d+)\\.m4s)\"");
    private static final Pattern HINT = Pattern.compile("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"([^\"]+)\"");
    private static Path dir;
    private static HlsTestRig rig;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("relay-tls");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        ToolRun made = HlsTestRig.run(30, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(), "-out", cert.toString(),
                "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1");
        assertThat(made.exit()).as(made.err()).isZero();
        rig = new HlsTestRig(Map.of("RELAY_TLS_CERT", cert.toString(), "RELAY_TLS_KEY", key.toString()),
                trusting(cert));
    }

    @AfterAll
    static void stop() throws Exception {
        if (rig != null) {
            rig.close();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void curlFetchesPlaylistsAPartAndABlockingReloadOverHttp2() throws Exception {
        String hlsUrl = rig.session("demo", 600).path("hlsUrl").asText();
        assertThat(hlsUrl).startsWith("https://");

        Fetched multivariant = curl("--http2", hlsUrl);
        assertThat(multivariant.version()).isEqualTo("2");
        assertThat(multivariant.status()).isEqualTo(200);
        String mediaUrl = rig.resolve(hlsUrl).resolve(multivariant.body().lines()
                .filter(l -> !l.startsWith("#") && !l.isBlank()).findFirst().orElseThrow()).toString();
        Fetched media = curl("--http2", mediaUrl);
        assertThat(media.version()).isEqualTo("2");
        assertThat(media.body()).contains("#EXT-X-PART:", "#EXT-X-PRELOAD-HINT");
        String last = lastPart(media.body());
        Fetched part = curl("--http2", mediaUrl.replace("index.m3u8", last));
        assertThat(part.version()).isEqualTo("2");
        assertThat(part.status()).isEqualTo(200);
        assertThat(part.header("content-type")).isEqualTo(HlsApi.MEDIA_TYPE);
        assertThat(HlsTestRig.tags(Files.readAllBytes(part.file()))).isNotEmpty().containsOnly("DEMO");

        long msn = msnOfLastPart(media.body());
        int next = partIndexOfLast(media.body()) + 1;
        Fetched reload = curl("--http2", mediaUrl + "?_HLS_msn=" + msn + "&_HLS_part=" + next);
        assertThat(reload.version()).isEqualTo("2");
        assertThat(reload.status()).isEqualTo(200);
        assertThat(partNumber(lastPart(reload.body())))
                .as("the reload was held until the next part was listed").isGreaterThan(partNumber(last));
    }

    @Test
    void aBlockedReloadAndTheHintedPartShareOneHttp2Connection() throws Exception {
        String mediaUrl = rig.mediaPlaylistUrl(rig.session("demo", 600).path("hlsUrl").asText());
        String playlist = HlsTestRig.text(rig.get(mediaUrl));
        Matcher hint = HINT.matcher(playlist);
        assertThat(hint.find()).as(playlist).isTrue();
        String reload = mediaUrl + "?_HLS_msn=" + msnOfLastPart(playlist) + "&_HLS_part="
                + (partIndexOfLast(playlist) + 1);
        Path a = dir.resolve("parallel-reload");
        Path b = dir.resolve("parallel-part");

        ToolRun r = HlsTestRig.run(30, "curl", "-sS", "--http2", "--cacert", dir.resolve("cert.pem").toString(),
                "--parallel", "-w", "%{http_version} %{http_code} %{num_connects}\\n",
                "-o", a.toString(), reload, "-o", b.toString(), mediaUrl.replace("index.m3u8", hint.group(1)));

        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(2).allSatisfy(l -> assertThat(l).startsWith("2 200 "));
        assertThat(lines.stream().mapToInt(l -> Integer.parseInt(l.split(" ")[2])).sum())
                .as("both requests on one connection").isEqualTo(1);
        assertThat(Files.readString(a)).contains("URI=\"" + hint.group(1) + "\"");
        assertThat(HlsTestRig.tags(Files.readAllBytes(b))).isNotEmpty().containsOnly("DEMO");
    }

    @Test
    void aClientWithoutHttp2GetsHttp11OnTheSamePort() throws Exception {
        String hlsUrl = rig.session("demo", 600).path("hlsUrl").asText();

        Fetched multivariant = curl("--http1.1", hlsUrl);

        assertThat(multivariant.version()).isEqualTo("1.1");
        assertThat(multivariant.status()).isEqualTo(200);
        assertThat(multivariant.body()).contains("#EXT-X-STREAM-INF");
    }

    @Test
    void plainHttpToTheHttpsPortIsRefusedAndCounted() throws Exception {
        long before = tlsFailures();
        try (Socket s = new Socket("127.0.0.1", rig.relay.ports().http())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            byte[] answer = in.readNBytes(64);
            assertThat(new String(answer, StandardCharsets.ISO_8859_1)).doesNotContain("HTTP/1.1 200");
        }
        ToolRun healthy = HlsTestRig.run(30, "curl", "-sS", "--cacert", dir.resolve("cert.pem").toString(),
                rig.base + "/healthz");
        assertThat(healthy.exit()).as("the port still serves HTTPS: " + healthy.err()).isZero();
        assertThat(tlsFailures()).isGreaterThan(before);
    }

    private static long tlsFailures() throws Exception {
        String metrics = HlsTestRig.text(rig.get("/metrics"));
        Matcher m = Pattern.compile("(?m)^relay_http_tls_handshake_failures_total ([0-9.eE+]+)$").matcher(metrics);
        assertThat(m.find()).as(metrics).isTrue();
        return (long) Double.parseDouble(m.group(1));
    }

    /** What curl fetched: HTTP version, status, headers and the body (also left in a file). */
    private record Fetched(String version, int status, String headers, String body, Path file) {

        String header(String name) {
            return headers.lines().filter(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith(name + ":"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse(null);
        }
    }

    private static Fetched curl(String version, String url) throws Exception {
        Path body = Files.createTempFile(dir, "body", ".bin");
        Path headers = Files.createTempFile(dir, "headers", ".txt");
        ToolRun r = HlsTestRig.run(30, "curl", "-sS", version, "--cacert", dir.resolve("cert.pem").toString(),
                "-D", headers.toString(), "-o", body.toString(), "-w", "%{http_version} %{http_code}", url);
        assertThat(r.exit()).as("curl %s: %s", url, r.err()).isZero();
        String[] w = r.out().strip().split(" ");
        return new Fetched(w[0], Integer.parseInt(w[1]), Files.readString(headers),
                Files.readString(body, StandardCharsets.ISO_8859_1), body);
    }

    /** The name of the last part listed. */
    private static String lastPart(String playlist) {
        Matcher m = PART.matcher(playlist);
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        assertThat(last).as(playlist).isNotNull();
        return last;
    }

    /** The stream-wide number in a part's name. */
    private static long partNumber(String name) {
        Matcher m = PART.matcher("#EXT-X-PART:URI=\"" + name + "\"");
        assertThat(m.find()).isTrue();
        return Long.parseLong(m.group(2));
    }

    /** The Media Sequence Number of the segment the last listed part belongs to. */
    private static long msnOfLastPart(String playlist) {
        long msn = Long.parseLong(playlist.lines().filter(l -> l.startsWith("#EXT-X-MEDIA-SEQUENCE:")).findFirst()
                .orElseThrow().substring("#EXT-X-MEDIA-SEQUENCE:".length()));
        long segmentsBeforeLastPart = 0;
        int lastPartAt = playlist.lastIndexOf("#EXT-X-PART:");
        for (String line : playlist.substring(0, lastPartAt).lines().toList()) {
            if (!line.startsWith("#") && !line.isBlank()) {
                segmentsBeforeLastPart++;
            }
        }
        return msn + segmentsBeforeLastPart;
    }

    /** The index, within its segment, of the last listed part. */
    private static int partIndexOfLast(String playlist) {
        int index = -1;
        for (String line : playlist.lines().toList()) {
            if (line.startsWith("#EXT-X-PART:")) {
                index++;
            } else if (!line.startsWith("#") && !line.isBlank()) {
                index = -1;
            }
        }
        return index;
    }

    private static SSLContext trusting(Path cert) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            store.setCertificateEntry("relay", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
