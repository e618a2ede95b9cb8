package dev.camrelay.webrtc.dtls;

import dev.camrelay.webrtc.sdp.SdpFingerprint;
import java.io.IOException;
import java.net.DatagramSocket;
import java.security.SecureRandom;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.SRTPProtectionProfile;
import org.bouncycastle.tls.UDPTransport;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/** Lets tests in other packages run the test DTLS client, which needs package access to the certificate's key. */
public final class TestClientAccess {

    private TestClientAccess() {
    }

    /** Handshakes as a browser over a connected socket; returns the client's exported SRTP keys. */
    public static SrtpKeyingMaterial connect(DatagramSocket connected, DtlsCertificate own, SdpFingerprint server)
            throws IOException {
        TestDtlsSrtpClient client = new TestDtlsSrtpClient(new BcTlsCrypto(new SecureRandom()), own, server,
                SRTPProtectionProfile.SRTP_AEAD_AES_128_GCM, SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80);
        new DTLSClientProtocol().connect(client, new UDPTransport(connected, 1500)).close();
        return client.keyingMaterial;
    }
}
