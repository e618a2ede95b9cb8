package dev.camrelay.webrtc.dtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.camrelay.webrtc.sdp.SdpFingerprint;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.SRTPProtectionProfile;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.UDPTransport;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The relay's DTLS-SRTP server against a bctls client over real UDP on 127.0.0.1: server datagrams pass through
 * {@link DtlsPacketTransport} fed by a receive loop standing in for the relay's I/O thread.
 */
class DtlsSrtpServerTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final DtlsCertificate SERVER_CERT = DtlsCertificate.generate(RANDOM, "camrelay");
    private static final DtlsCertificate CLIENT_CERT = DtlsCertificate.generate(RANDOM, "browser");

    private final DatagramSocket serverSocket = bind();
    private final DatagramSocket clientSocket = bind();
    private volatile boolean running = true;

    @AfterEach
    void close() {
        running = false;
        serverSocket.close();
        clientSocket.close();
    }

    @Test
    void certificateIsP256SelfSignedWithItsSha256Fingerprint() throws Exception {
        java.security.cert.X509Certificate x509 = (java.security.cert.X509Certificate)
                java.security.cert.CertificateFactory.getInstance("X.509")
                        .generateCertificate(new java.io.ByteArrayInputStream(SERVER_CERT.der()));

        x509.verify(x509.getPublicKey());
        x509.checkValidity();
        assertThat(x509.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(x509.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(SERVER_CERT.fingerprint().value())
                .isEqualTo(java.security.MessageDigest.getInstance("SHA-256").digest(SERVER_CERT.der()));
        assertThat(SERVER_CERT.fingerprint().toAttributeValue()).startsWith("sha-256 ").hasSize(8 + 95);
    }

    @Test
    void handshakeWithMatchingFingerprintExportsTheSameGcmKeysOnBothSides() throws Exception {
        Outcome outcome = handshake(CLIENT_CERT.fingerprint(), SRTPProtectionProfile.SRTP_AEAD_AES_128_GCM);

        SrtpKeyingMaterial server = outcome.server.keyingMaterial();
        assertThat(server.profile()).isEqualTo(SrtpProfile.AEAD_AES_128_GCM);
        assertThat(server).isEqualTo(outcome.client.keyingMaterial());
        assertThat(server.serverKey()).hasSize(16).isNotEqualTo(server.clientKey());
        assertThat(server.serverSalt()).hasSize(12);
    }

    @Test
    void clientOfferingOnlyAesCmGetsAesCmKeys() throws Exception {
        Outcome outcome = handshake(CLIENT_CERT.fingerprint(), SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80);

        assertThat(outcome.server.keyingMaterial().profile()).isEqualTo(SrtpProfile.AES128_CM_HMAC_SHA1_80);
        assertThat(outcome.server.keyingMaterial().serverSalt()).hasSize(14);
        assertThat(outcome.server.keyingMaterial()).isEqualTo(outcome.client.keyingMaterial());
    }

    @Test
    void aClientOfferingGcmFirstAndAesCmGetsAesCmTheRelaysPreference() throws Exception {
        // Chrome's order: the server's preference decides (RFC 5764 §4.1.1), and the relay's is the cheaper AES-CM
        Outcome outcome = handshake(CLIENT_CERT.fingerprint(),
                SRTPProtectionProfile.SRTP_AEAD_AES_128_GCM, SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80);

        assertThat(outcome.server.keyingMaterial().profile()).isEqualTo(SrtpProfile.AES128_CM_HMAC_SHA1_80);
        assertThat(outcome.server.keyingMaterial()).isEqualTo(outcome.client.keyingMaterial());
    }

    @Test
    void clientCertificateNotMatchingTheOfferedFingerprintIsRejected() {
        SdpFingerprint someoneElse = DtlsCertificate.generate(RANDOM, "other").fingerprint();

        assertThatThrownBy(() -> handshake(someoneElse, SRTPProtectionProfile.SRTP_AEAD_AES_128_GCM))
                .hasMessage("server failed too").rootCause().isInstanceOfSatisfying(TlsFatalAlert.class,
                        alert -> assertThat(alert.getAlertDescription()).isEqualTo(AlertDescription.bad_certificate));
    }

    @Test
    void clientWithoutACommonSrtpProfileIsRejected() {
        assertThatThrownBy(() -> handshake(CLIENT_CERT.fingerprint(), SRTPProtectionProfile.SRTP_NULL_HMAC_SHA1_80))
                .hasMessage("server failed too").rootCause().isInstanceOfSatisfying(TlsFatalAlert.class,
                        alert -> assertThat(alert.getAlertDescription()).isEqualTo(AlertDescription.handshake_failure));
    }

    private record Outcome(DtlsSrtpServer server, DtlsSrtpClient client) {
    }

    private Outcome handshake(SdpFingerprint offeredClientFingerprint, int... clientProfiles) throws Exception {
        InetSocketAddress clientAddress = (InetSocketAddress) clientSocket.getLocalSocketAddress();
        DtlsPacketTransport transport = new DtlsPacketTransport((buf, off, len) ->
                serverSocket.send(new DatagramPacket(buf, off, len, clientAddress)));
        Thread ioThread = Thread.ofPlatform().daemon().name("test-udp-io").start(() -> pump(transport));
        BcTlsCrypto crypto = new BcTlsCrypto(RANDOM);
        DtlsSrtpServer server = new DtlsSrtpServer(crypto, SERVER_CERT, offeredClientFingerprint);
        CompletableFuture<DTLSTransport> accepted = CompletableFuture.supplyAsync(() -> {
            try {
                return new DTLSServerProtocol().accept(server, transport);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });

        DtlsSrtpClient client = new DtlsSrtpClient(new BcTlsCrypto(RANDOM), CLIENT_CERT, SERVER_CERT.fingerprint(),
                clientProfiles);
        clientSocket.connect(serverSocket.getLocalSocketAddress());
        clientSocket.setSoTimeout(5_000);
        try {
            DTLSTransport clientSide = new DTLSClientProtocol().connect(client, new UDPTransport(clientSocket, 1500));
            DTLSTransport serverSide = accepted.get(10, TimeUnit.SECONDS);
            clientSide.close();
            serverSide.close();
            return new Outcome(server, client);
        } catch (IOException clientFailure) {
            try {
                accepted.get(10, TimeUnit.SECONDS);
            } catch (ExecutionException serverFailure) {
                throw new IOException("server failed too", serverFailure.getCause());
            }
            throw clientFailure;
        } finally {
            transport.close();
            running = false;
            ioThread.join(2_000);
        }
    }

    /** The relay's I/O thread in miniature: receive from the socket, hand DTLS datagrams to the transport. */
    private void pump(DtlsPacketTransport transport) {
        byte[] buf = new byte[2048];
        UnsafeBuffer view = new UnsafeBuffer(buf);
        try {
            serverSocket.setSoTimeout(100);
            while (running) {
                DatagramPacket packet = new DatagramPacket(buf, buf.length);
                try {
                    serverSocket.receive(packet);
                } catch (java.net.SocketTimeoutException e) {
                    continue;
                }
                transport.offer(view, 0, packet.getLength());
            }
        } catch (IOException e) {
            // socket closed at the end of the test
        }
    }

    private static DatagramSocket bind() {
        try {
            return new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (SocketException e) {
            throw new IllegalStateException(e);
        }
    }
}
