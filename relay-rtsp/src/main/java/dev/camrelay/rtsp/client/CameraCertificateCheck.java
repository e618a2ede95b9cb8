package dev.camrelay.rtsp.client;

import java.net.Socket;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Threading: immutable; the JDK calls it on whichever thread runs the handshake (the connection's event loop).
 *
 * <p>Checks an {@code rtsps://} camera's certificate as its {@link TlsTrust} says, and when it refuses one says why
 * in words an operator can act on: the certificate's subject and SHA-256 fingerprint (what {@code tlsFingerprint}
 * would pin) and what to change. The message reaches the camera's state reason through the failed handshake.
 * Only the client side is implemented: the relay never accepts TLS clients with it.
 */
final class CameraCertificateCheck extends X509ExtendedTrustManager {

    private final TlsTrust trust;
    private final X509ExtendedTrustManager system;

    private CameraCertificateCheck(TlsTrust trust, X509ExtendedTrustManager system) {
        this.trust = trust;
        this.system = system;
    }

    static CameraCertificateCheck of(TlsTrust trust) {
        return new CameraCertificateCheck(trust, trust.verify() && trust.fingerprint() == null ? systemTrust() : null);
    }

    /** The JDK's default trust store (its {@code cacerts}, or what {@code javax.net.ssl.trustStore} names). */
    private static X509ExtendedTrustManager systemTrust() {
        try {
            TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            f.init((KeyStore) null);
            for (TrustManager m : f.getTrustManagers()) {
                if (m instanceof X509ExtendedTrustManager x) {
                    return x;
                }
            }
            throw new IllegalStateException("the JDK has no X.509 trust manager");
        } catch (NoSuchAlgorithmException | java.security.KeyStoreException e) {
            throw new IllegalStateException("the JDK trust store cannot be read: " + e.getMessage(), e);
        }
    }

    /** SHA-256 of the certificate's DER encoding, {@code AB:CD:...}. */
    static String fingerprint(X509Certificate certificate) throws CertificateEncodingException {
        try {
            return TlsTrust.colonHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the camera sent no certificate");
        }
        if (!trust.verify()) {
            return;
        }
        String presented = fingerprint(chain[0]);
        if (trust.fingerprint() != null) {
            if (!trust.fingerprint().equals(presented)) {
                throw new CertificateException("certificate refused: " + subject(chain[0]) + " has SHA-256 "
                        + presented + ", not the camera's tlsFingerprint " + trust.fingerprint());
            }
            return;
        }
        try {
            system.checkServerTrusted(chain, authType, engine);
        } catch (CertificateException e) {
            throw new CertificateException("certificate refused: " + subject(chain[0]) + " (SHA-256 " + presented
                    + ") is not trusted by the JDK trust store (" + e.getMessage() + "); for a self-signed camera "
                    + "pin it with tlsFingerprint, or set tlsVerify: false", e);
        }
    }

    private static String subject(X509Certificate c) {
        return "'" + c.getSubjectX500Principal().getName() + "'";
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkServerTrusted(chain, authType, (SSLEngine) null);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        checkServerTrusted(chain, authType, (SSLEngine) null);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("client side only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("client side only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("client side only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return system == null ? new X509Certificate[0] : ((X509TrustManager) system).getAcceptedIssuers();
    }
}
