package dev.camrelay.webrtc.dtls;

import dev.camrelay.webrtc.sdp.SdpFingerprint;
import java.io.IOException;
import java.util.Hashtable;
import java.util.Vector;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * Runs on the one DTLS thread of a session (BouncyCastle calls it from inside {@code DTLSServerProtocol.accept});
 * {@link #keyingMaterial()} may be read from any thread once the handshake returned.
 *
 * <p>The relay's side of DTLS-SRTP (RFC 5763, RFC 5764): DTLS 1.2 server with an ECDSA P-256 certificate and
 * ECDHE-ECDSA-AES-GCM suites; it requests the browser's certificate and accepts it only if its hash equals the
 * offer's {@code a=fingerprint} (RFC 8122 §5; RFC 5763 §5); it requires use_srtp and picks the first of
 * {@link SrtpProfile}'s profiles the client offers (RFC 5764 §4.1.1); after the handshake it exports the SRTP keys
 * (RFC 5764 §4.2). One instance per handshake.
 */
public final class DtlsSrtpServer extends DefaultTlsServer {

    /** Give up a handshake that has not finished in this time (the WHEP session is then torn down). */
    public static final int HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    private final BcTlsCrypto crypto;
    private final DtlsCertificate certificate;
    private final SdpFingerprint remoteFingerprint;
    private SrtpProfile selectedProfile;
    private volatile SrtpKeyingMaterial keyingMaterial;

    /**
     * @param remoteFingerprint the {@code a=fingerprint} of the browser's offer
     */
    public DtlsSrtpServer(BcTlsCrypto crypto, DtlsCertificate certificate, SdpFingerprint remoteFingerprint) {
        super(crypto);
        this.crypto = crypto;
        this.certificate = certificate;
        this.remoteFingerprint = remoteFingerprint;
    }

    /** SRTP keys once the handshake completed, else null. */
    public SrtpKeyingMaterial keyingMaterial() {
        return keyingMaterial;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return DtlsSrtpPeer.versions();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return DtlsSrtpPeer.cipherSuites(getCrypto());
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return HANDSHAKE_TIMEOUT_MILLIS;
    }

    @Override
    protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
        return DtlsSrtpPeer.credentials(context, crypto, certificate);
    }

    @Override
    public CertificateRequest getCertificateRequest() {
        // The browser's self-signed certificate authenticates it only through the SDP fingerprint, so ask for it.
        short[] types = {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign};
        Vector<?> algorithms = TlsUtils.getDefaultSupportedSignatureAlgorithms(context);
        return new CertificateRequest(types, algorithms, null);
    }

    @Override
    public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
        if (clientCertificate == null || clientCertificate.isEmpty()) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "client certificate required (RFC 5763 §5)");
        }
        DtlsSrtpPeer.requireFingerprint(clientCertificate, remoteFingerprint);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public void processClientExtensions(Hashtable clientExtensions) throws IOException {
        super.processClientExtensions(clientExtensions);
        UseSRTPData offered = TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
        if (offered == null) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "use_srtp extension required (RFC 5764)");
        }
        for (SrtpProfile candidate : SrtpProfile.values()) {
            for (int id : offered.getProtectionProfiles()) {
                if (id == candidate.id()) {
                    selectedProfile = candidate;
                    return;
                }
            }
        }
        throw new TlsFatalAlert(AlertDescription.handshake_failure, "no common SRTP protection profile");
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Hashtable getServerExtensions() throws IOException {
        Hashtable extensions = super.getServerExtensions();
        // No MKI: the relay never rekeys within a session (RFC 5764 §4.1.1).
        TlsSRTPUtils.addUseSRTPExtension(extensions,
                new UseSRTPData(new int[] {selectedProfile.id()}, TlsUtils.EMPTY_BYTES));
        return extensions;
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        keyingMaterial = DtlsSrtpPeer.exportKeys(context, selectedProfile);
    }
}
