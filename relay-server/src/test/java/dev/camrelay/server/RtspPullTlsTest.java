package dev.camrelay.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * rtsps:// pull cameras (RTSP over TLS, RFC 7826 §19.2) against the real relay and real GStreamer RTSP servers
 * speaking TLS with a self-signed certificate openssl makes for the test ({@code rtsp_camera.py --tls}): with the
 * certificate's SHA-256 pinned, and with {@code tlsVerify: false}, the camera goes live over TCP inside TLS with its
 * clip's facts and every frame tagged as its own; a wrong pin and the default verification (the JDK trust store,
 * which cannot know a self-signed certificate) are refused, the camera never goes live and its state reason says
 * why, with the certificate's real fingerprint; a camera that answers in plain RTSP fails with a reason that says
 * so; TLS settings that cannot work are a 400 naming the field.
 */
@Timeout(180)
class RtspPullTlsTest {

    private static final int CLIP_SECONDS = 6;
    private static final int CLIP_FRAMES = CLIP_SECONDS * 25;
    private static Relay relay;
    private static TestClient api;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        relay = RtspTestRelay.start();
        api = RtspTestRelay.admin(relay);
    }

    @AfterAll
    static void stop() {
        if (relay != null) {
            relay.close();
        }
    }

    /** A self-signed ECDSA P-256 certificate for CN=camera (what a camera ships with); returns [cert, key]. */
    private static Path[] selfSigned(Path dir) throws Exception {
        Path cert = dir.resolve("camera.crt");
        Path key = dir.resolve("camera.key");
        try (ExternalPeer openssl = ExternalPeer.start(dir.resolve("openssl.log"), 30, ExternalPeer.require("openssl"),
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                "-subj", "/CN=camera", "-keyout", key.toString(), "-out", cert.toString())) {
            if (openssl.await(30) != 0) {
                fail("openssl could not make the certificate: " + openssl.logText());
            }
        }
        return new Path[] {cert, key};
    }

    /** SHA-256 of the certificate's DER encoding, as {@code openssl x509 -fingerprint -sha256} prints it. */
    private static String fingerprint(Path cert) throws Exception {
        try (InputStream in = Files.newInputStream(cert)) {
            X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            return HexFormat.ofDelimiter(":").withUpperCase()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
        }
    }

    private GstRtspCamera tlsCamera(String tag, Path[] certificate) throws Exception {
        Path clip = ExternalPeer.taggedClip(dir.resolve(tag + ".mkv"), tag, CLIP_SECONDS);
        return GstRtspCamera.start(dir.resolve(tag + ".log"), GstRtspCamera.freePort(), null, null,
                "--tls", certificate[0].toString(), certificate[1].toString(), "--clip", clip.toString());
    }

    private static void addCamera(String id, int port, String tls) throws Exception {
        HttpResponse<String> r = api.post("/api/v1/cameras", "{\"id\": \"" + id + "\", \"source\": \"rtsps://"
                + "127.0.0.1:" + port + "/cam\"" + tls + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    private static void assertPulledOverTls(String id, String tag, StreamCollector collector, String fingerprint)
            throws Exception {
        JsonNode cam = RtspPushIngestTest.awaitCamera(api, id, Duration.ofSeconds(25), RtspPushIngestTest::live);
        long epoch = cam.path("epoch").asLong();
        collector.awaitVideo(epoch, CLIP_FRAMES, Duration.ofSeconds(2), Duration.ofSeconds(CLIP_SECONDS + 15));
        collector.close();
        assertThat(cam.path("transport").asText()).as(id).startsWith("tcp (rtsps: RTP interleaved inside TLS");
        assertThat(cam.path("tlsVerify").asBoolean()).as(id).isEqualTo(fingerprint != null);
        assertThat(cam.path("tlsFingerprint").isNull() ? null : cam.path("tlsFingerprint").asText()).as(id)
                .isEqualTo(fingerprint);
        assertThat(cam.path("codecs").toString()).as(id).contains("H264").contains("AAC");
        assertThat(cam.path("width").asInt()).as(id).isEqualTo(320);
        assertThat(cam.path("height").asInt()).as(id).isEqualTo(240);
        assertThat(collector.problems()).as(id).isEmpty();
        RtspPushIngestTest.assertSourceStream(collector.video(epoch), CLIP_FRAMES, tag);
    }

    private static JsonNode awaitRefused(String id, String reasonPart) throws Exception {
        JsonNode cam = RtspPushIngestTest.awaitCamera(api, id, Duration.ofSeconds(20),
                c -> c.path("stateReason").asText().contains(reasonPart));
        assertThat(cam.path("state").asText()).as(id).isEqualTo("reconnecting");
        assertThat(cam.path("epoch").asLong()).as(id + " never went live").isZero();
        return cam;
    }

    @Test
    void pinnedAndUnverifiedCamerasGoLiveOverTlsWhileAWrongPinAndTheTrustStoreRefuseTheSelfSignedCertificate()
            throws Exception {
        Path[] certificate = selfSigned(dir);
        String real = fingerprint(certificate[0]);
        String wrong = real.substring(0, real.length() - 2) + (real.endsWith("00") ? "01" : "00");
        List<String> ids = List.of("tls-pinned", "tls-unverified", "tls-wrong-pin", "tls-default");
        long failuresBefore = RtspPullTransportTest.metric(api, "relay_rtsp_tls_failures_total");
        try (GstRtspCamera pinnedGst = tlsCamera("TLS-PINNED", certificate);
             GstRtspCamera unverifiedGst = tlsCamera("TLS-UNVERIFIED", certificate);
             StreamCollector pinned = new StreamCollector(relay, "tls-pinned");
             StreamCollector unverified = new StreamCollector(relay, "tls-unverified")) {
            // Lower case without colons is accepted too, and shown in the canonical form.
            addCamera("tls-pinned", pinnedGst.port(), ", \"tlsFingerprint\": \""
                    + real.replace(":", "").toLowerCase(java.util.Locale.ROOT) + "\"");
            addCamera("tls-unverified", unverifiedGst.port(), ", \"tlsVerify\": false");
            addCamera("tls-wrong-pin", pinnedGst.port(), ", \"tlsFingerprint\": \"" + wrong + "\"");
            addCamera("tls-default", pinnedGst.port(), "");

            JsonNode wrongPin = awaitRefused("tls-wrong-pin", "not the camera's tlsFingerprint");
            assertThat(wrongPin.path("stateReason").asText()).startsWith("TLS handshake failed: certificate refused")
                    .contains("CN=camera").contains("has SHA-256 " + real).contains(wrong)
                    .contains("next attempt in");
            JsonNode untrusted = awaitRefused("tls-default", "not trusted by the JDK trust store");
            assertThat(untrusted.path("stateReason").asText()).contains("SHA-256 " + real)
                    .contains("pin it with tlsFingerprint");
            assertThat(untrusted.path("tlsVerify").asBoolean()).isTrue();
            assertThat(untrusted.path("tlsFingerprint").isNull()).isTrue();
            assertThat(RtspPullTransportTest.metric(api, "relay_rtsp_tls_failures_total") - failuresBefore)
                    .as("one refusal each at least, counted").isGreaterThanOrEqualTo(2);

            assertPulledOverTls("tls-pinned", "TLS-PINNED", pinned, real);
            assertPulledOverTls("tls-unverified", "TLS-UNVERIFIED", unverified, null);
        } finally {
            for (String id : ids) {
                api.delete("/api/v1/cameras/" + id);
            }
        }
    }

    @Test
    void tlsSettingsThatCannotWorkAreRefusedWith400NamingTheField() throws Exception {
        for (String[] body : new String[][] {
            {"{\"id\": \"bad-pin\", \"source\": \"rtsps://127.0.0.1:322/cam\", \"tlsFingerprint\": \"AB:CD\"}",
                "tlsFingerprint"},
            {"{\"id\": \"plain\", \"source\": \"rtsp://127.0.0.1/cam\", \"tlsVerify\": false}", "tlsVerify"},
        }) {
            HttpResponse<String> r = api.post("/api/v1/cameras", body[0]);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            JsonNode error = TestClient.json(r);
            assertThat(error.path("error").asText()).isEqualTo("bad_field");
            assertThat(error.path("message").asText()).startsWith("field '" + body[1] + "'");
        }
        assertThat(api.get("/api/v1/cameras/bad-pin").statusCode()).isEqualTo(404);
    }

    @Test
    void aCameraThatAnswersInPlainRtspFailsWithTheTlsErrorAndTheRelayCarriesOn() throws Exception {
        try (ServerSocket plain = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            plain.setSoTimeout(20_000);
            Thread answering = Thread.ofPlatform().daemon().start(() -> {
                for (int i = 0; i < 3; i++) {
                    try (Socket s = plain.accept()) {
                        s.setSoTimeout(5_000);
                        s.getInputStream().read(new byte[512]); // the ClientHello
                        s.getOutputStream().write("RTSP/1.0 400 Bad Request\r\nCSeq: 0\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                        return; // the test ended
                    }
                }
            });
            try {
                addCamera("tls-plain", plain.getLocalPort(), ", \"tlsVerify\": false");
                JsonNode cam = awaitRefused("tls-plain", "TLS handshake failed: the camera did not answer in TLS");
                assertThat(cam.path("stateReason").asText()).contains("next attempt in");
                assertThat(api.get("/healthz").statusCode()).isEqualTo(200);
            } finally {
                api.delete("/api/v1/cameras/tls-plain");
                plain.close();
                answering.join(5_000);
            }
        }
    }
}
