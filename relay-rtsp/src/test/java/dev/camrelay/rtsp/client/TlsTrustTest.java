package dev.camrelay.rtsp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/**
 * The certificate check of rtsps cameras on a real self-signed certificate (made with openssl
 * {@code req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -subj /CN=camera -days 36500}, public part kept in
 * the test resources):
 * a pin accepts exactly its certificate, the JDK trust store refuses a self-signed one, {@code tlsVerify: false}
 * accepts it, and every refusal says which certificate it was and what to do.
 */
class TlsTrustTest {

    /** SHA-256 of {@code tls/camera.crt}: {@code openssl x509 -in camera.crt -noout -fingerprint -sha256}. */
    static final String CAMERA_FINGERPRINT =
            "B0:D4:77:8F:83:38:8F:1B:F6:79:13:E6:FC:29:AB:2B:8C:9B:4D:81:69:D7:94:D3:49:84:A2:C6:82:35:62:BE";

    private static X509Certificate[] camera() throws IOException, CertificateException {
        try (var in = TlsTrustTest.class.getResourceAsStream("/tls/camera.crt")) {
            return new X509Certificate[] {
                (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in)};
        }
    }

    @Test
    void fingerprintsArePastedInAnyCommonFormAndShownAsOpensslPrintsThem() {
        String colons = "ab:CD:" + "00:".repeat(29) + "ff";
        assertThat(TlsTrust.normalizeFingerprint(colons)).isEqualTo("AB:CD:" + "00:".repeat(29) + "FF");
        assertThat(TlsTrust.normalizeFingerprint(colons.replace(":", ""))).isEqualTo(
                TlsTrust.normalizeFingerprint(colons));
        assertThat(TlsTrust.normalizeFingerprint(" " + colons.replace(":", " ") + " ")).isNotNull();
        assertThat(TlsTrust.normalizeFingerprint("AB:CD")).isNull();
        assertThat(TlsTrust.normalizeFingerprint("zz" + "00".repeat(31))).isNull();
        assertThatThrownBy(() -> new TlsTrust("AB:CD", true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TlsTrust(colons, false)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPinAcceptsExactlyItsCertificateAndARefusalNamesTheRealFingerprint() throws Exception {
        X509Certificate[] chain = camera();
        String real = CameraCertificateCheck.fingerprint(chain[0]);
        assertThat(real).as("the digest openssl prints").isEqualTo(CAMERA_FINGERPRINT);
        CameraCertificateCheck.of(TlsTrust.pinned(real)).checkServerTrusted(chain, "ECDHE_ECDSA");

        String wrong = "00:" + real.substring(3);
        assertThatThrownBy(() -> CameraCertificateCheck.of(TlsTrust.pinned(wrong)).checkServerTrusted(chain,
                "ECDHE_ECDSA"))
                .isInstanceOf(CertificateException.class)
                .hasMessageStartingWith("certificate refused: 'CN=camera' has SHA-256 " + real)
                .hasMessageContaining(wrong);
    }

    @Test
    void theTrustStoreRefusesASelfSignedCameraAndTlsVerifyFalseTakesIt() throws Exception {
        X509Certificate[] chain = camera();
        assertThatThrownBy(() -> CameraCertificateCheck.of(TlsTrust.systemTrustStore()).checkServerTrusted(chain,
                "ECDHE_ECDSA"))
                .isInstanceOf(CertificateException.class)
                .hasMessageContaining("not trusted by the JDK trust store")
                .hasMessageContaining("pin it with tlsFingerprint");
        CameraCertificateCheck.of(TlsTrust.none()).checkServerTrusted(chain, "ECDHE_ECDSA");
    }

    @Test
    void theCheckReasonSurvivesTheHandshakeExceptionThatCarriesIt() {
        SSLHandshakeException handshake = new SSLHandshakeException("bad certificate");
        handshake.initCause(new CertificateException("certificate refused: 'CN=x' has SHA-256 AA"));
        assertThat(ClientTls.failureReason(new RuntimeException(handshake)))
                .isEqualTo("TLS handshake failed: certificate refused: 'CN=x' has SHA-256 AA");
        assertThat(ClientTls.failureReason(new SSLHandshakeException("Received fatal alert: handshake_failure")))
                .isEqualTo("TLS handshake failed: Received fatal alert: handshake_failure");
        assertThat(ClientTls.failureReason(new IOException("reset"))).isNull();
        assertThat(ClientTls.failureReason(new io.netty.handler.codec.DecoderException(
                new io.netty.handler.ssl.NotSslRecordException("not an SSL/TLS record: 5254535" + "0".repeat(4000)))))
                .isEqualTo("TLS handshake failed: the camera did not answer in TLS (does it serve rtsp://, not "
                        + "rtsps://, on that port?)");
        assertThat(ClientTls.failureReason(new SSLHandshakeException("x".repeat(1000))))
                .hasSize("TLS handshake failed: ".length() + ClientTls.MAX_REASON_DETAIL + 3);
        assertThat(ClientTls.defaultPort("rtsps")).isEqualTo(322);
        assertThat(ClientTls.defaultPort("RTSP")).isEqualTo(554);
    }
}
