package dev.camrelay.webrtc.dtls;

import dev.camrelay.webrtc.sdp.SdpFingerprint;
import java.io.IOException;
import java.util.Hashtable;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * Runs on the one thread that drives {@code DTLSClientProtocol.connect}; {@link #keyingMaterial()} may be read from
 * any thread once it returned.
 *
 * <p>The player's side of DTLS-SRTP (RFC 5763, RFC 5764), for tools and tests that play the relay as a browser would:
 * DTLS 1.2 client offering use_srtp with the given profiles, presenting its own certificate (whose fingerprint went
 * into the offer), and accepting the relay's certificate only if it matches the answer's {@code a=fingerprint}.
 */
public final class DtlsSrtpClient extends DefaultTlsClient {

    private final BcTlsCrypto crypto;
    private final DtlsCertificate own;
    private final SdpFingerprint expectedServer;
    private final int[] offeredProfiles;
    private SrtpProfile selected;
    private volatile SrtpKeyingMaterial keyingMaterial;

    /**
     * @param profiles the SRTP profiles offered, in preference order
     */
    public DtlsSrtpClient(BcTlsCrypto crypto, DtlsCertificate own, SdpFingerprint expectedServer,
                          SrtpProfile... profiles) {
        this(crypto, own, expectedServer, ids(profiles));
    }

    /** Offers the use_srtp protection profile ids as given, known to the relay or not (RFC 5764 §4.1.2). */
    DtlsSrtpClient(BcTlsCrypto crypto, DtlsCertificate own, SdpFingerprint expectedServer, int[] profileIds) {
        super(crypto);
        this.crypto = crypto;
        this.own = own;
        this.expectedServer = expectedServer;
        this.offeredProfiles = profileIds.clone();
    }

    private static int[] ids(SrtpProfile[] profiles) {
        int[] ids = new int[profiles.length];
        for (int i = 0; i < profiles.length; i++) {
            ids[i] = profiles[i].id();
        }
        return ids;
    }

    /** The exported SRTP keys once the handshake completed, else null. */
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
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Hashtable getClientExtensions() throws IOException {
        Hashtable extensions = super.getClientExtensions();
        TlsSRTPUtils.addUseSRTPExtension(extensions, new UseSRTPData(offeredProfiles, TlsUtils.EMPTY_BYTES));
        return extensions;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public void processServerExtensions(Hashtable serverExtensions) throws IOException {
        super.processServerExtensions(serverExtensions);
        UseSRTPData data = TlsSRTPUtils.getUseSRTPExtension(serverExtensions);
        if (data == null || data.getProtectionProfiles().length != 1) {
            throw new TlsFatalAlert(AlertDescription.illegal_parameter, "server must select one SRTP profile");
        }
        selected = SrtpProfile.byId(data.getProtectionProfiles()[0]);
        if (selected == null) {
            throw new TlsFatalAlert(AlertDescription.illegal_parameter, "server selected an unknown SRTP profile");
        }
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                DtlsSrtpPeer.requireFingerprint(serverCertificate.getCertificate(), expectedServer);
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                return DtlsSrtpPeer.credentials(context, crypto, own);
            }
        };
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        keyingMaterial = DtlsSrtpPeer.exportKeys(context, selected);
    }
}
