package dev.camrelay.webrtc.dtls;

import dev.camrelay.webrtc.sdp.SdpFingerprint;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.Hashtable;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/** A browser stand-in: DTLS 1.2 client offering use_srtp, presenting its own certificate, checking the server's. */
final class TestDtlsSrtpClient extends DefaultTlsClient {

    private final BcTlsCrypto crypto;
    private final DtlsCertificate ownCertificate;
    private final SdpFingerprint expectedServer;
    private final int[] offeredProfiles;
    volatile SrtpKeyingMaterial keyingMaterial;
    private SrtpProfile selected;

    TestDtlsSrtpClient(BcTlsCrypto crypto, DtlsCertificate ownCertificate, SdpFingerprint expectedServer,
                       int... offeredProfiles) {
        super(crypto);
        this.crypto = crypto;
        this.ownCertificate = ownCertificate;
        this.expectedServer = expectedServer;
        this.offeredProfiles = offeredProfiles;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return new int[] {CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256};
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
        selected = SrtpProfile.byId(data.getProtectionProfiles()[0]);
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                byte[] der = serverCertificate.getCertificate().getCertificateAt(0).getEncoded();
                byte[] hash = DtlsCertificate.digest("sha-256", der);
                if (!MessageDigest.isEqual(hash, expectedServer.value())) {
                    throw new TlsFatalAlert(AlertDescription.bad_certificate);
                }
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                Certificate chain = new Certificate(new TlsCertificate[] {
                    crypto.createCertificate(ownCertificate.der())});
                return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto,
                        ownCertificate.privateKey(), chain,
                        new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
            }
        };
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        keyingMaterial = SrtpKeyingMaterial.split(selected,
                context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, selected.keyingMaterialLength()));
    }
}
