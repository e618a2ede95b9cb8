package dev.camrelay.webrtc.dtls;

import dev.camrelay.webrtc.sdp.SdpFingerprint;
import java.io.IOException;
import java.security.MessageDigest;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * Stateless: called from inside one handshake, on its thread.
 *
 * <p>What both ends of DTLS-SRTP share here ({@link DtlsSrtpServer}, the relay; {@link DtlsSrtpClient}, the player):
 * DTLS 1.2 only with ECDHE-ECDSA-AES-GCM suites (protocols.md 6.3), the own self-signed certificate presented as
 * ECDSA P-256 with SHA-256, the peer's accepted only when its hash is the SDP {@code a=fingerprint} (RFC 8122 §5;
 * RFC 5763 §5), and the SRTP keys exported after the handshake (RFC 5764 §4.2).
 */
final class DtlsSrtpPeer {

    private static final int[] CIPHER_SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    };

    private DtlsSrtpPeer() {
    }

    static ProtocolVersion[] versions() {
        return ProtocolVersion.DTLSv12.only();
    }

    /** The suites above that {@code crypto} implements, in preference order. */
    static int[] cipherSuites(TlsCrypto crypto) {
        return TlsUtils.getSupportedCipherSuites(crypto, CIPHER_SUITES);
    }

    /** The own certificate and key as this handshake's signing credentials. */
    static TlsCredentialedSigner credentials(TlsContext context, BcTlsCrypto crypto, DtlsCertificate own)
            throws IOException {
        Certificate chain = new Certificate(new TlsCertificate[] {crypto.createCertificate(own.der())});
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, own.privateKey(), chain,
                new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
    }

    /** Refuses the peer's certificate (fatal {@code bad_certificate}) unless its hash is the SDP fingerprint. */
    static void requireFingerprint(Certificate peer, SdpFingerprint expected) throws IOException {
        if (peer.isEmpty()) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, "no certificate to match a=fingerprint");
        }
        byte[] actual = DtlsCertificate.digest(expected.hashFunction(), peer.getCertificateAt(0).getEncoded());
        if (actual == null || !MessageDigest.isEqual(actual, expected.value())) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, "certificate does not match a=fingerprint");
        }
    }

    /** The SRTP master keys and salts of both directions (RFC 5764 §4.2, exporter label EXTRACTOR-dtls_srtp). */
    static SrtpKeyingMaterial exportKeys(TlsContext context, SrtpProfile profile) {
        return SrtpKeyingMaterial.split(profile,
                context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, profile.keyingMaterialLength()));
    }
}
