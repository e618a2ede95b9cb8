package dev.camrelay.rtsp.client;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.security.cert.CertificateException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * Threading: an {@link SslContext} is shared by the connections of one camera (Netty's contexts are thread-safe);
 * each connection gets its own {@link SslHandler}.
 *
 * <p>TLS for pulling from {@code rtsps://} cameras (RFC 7826 §19.2): the JDK provider, the camera's
 * {@link TlsTrust} as the only trust manager, SNI and (when verifying against the trust store) the host-name check
 * of RFC 2818 §3.1. Media goes interleaved inside the TLS connection; SRTP over UDP (RFC 7826 Appendix C.1.4.1,
 * MIKEY) is not offered.
 */
public final class ClientTls {

    /** RFC 7826 §4.2 / IANA: the default port of {@code rtsps}. */
    public static final int DEFAULT_RTSPS_PORT = 322;
    /** RFC 2326 §3.2: the default port of {@code rtsp}. */
    public static final int DEFAULT_RTSP_PORT = 554;
    /** Characters of a TLS error kept in a camera's state reason. */
    static final int MAX_REASON_DETAIL = 300;
    /** A camera that has not finished its handshake by then is failed (and retried with backoff). */
    public static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    private final SslContext context;
    private final TlsTrust trust;

    private ClientTls(SslContext context, TlsTrust trust) {
        this.context = context;
        this.trust = trust;
    }

    /** A client context for one camera; control plane. */
    public static ClientTls of(TlsTrust trust) {
        try {
            boolean hostCheck = trust.verify() && trust.fingerprint() == null;
            SslContext context = SslContextBuilder.forClient()
                    .sslProvider(SslProvider.JDK)
                    .trustManager(CameraCertificateCheck.of(trust))
                    .endpointIdentificationAlgorithm(hostCheck ? "HTTPS" : null)
                    .build();
            return new ClientTls(context, trust);
        } catch (SSLException e) {
            throw new IllegalStateException("TLS client context: " + e.getMessage(), e);
        }
    }

    /** True for an {@code rtsps} URL scheme. */
    public static boolean isTls(String scheme) {
        return scheme != null && scheme.toLowerCase(Locale.ROOT).equals("rtsps");
    }

    /** The port of a URL without one. */
    public static int defaultPort(String scheme) {
        return isTls(scheme) ? DEFAULT_RTSPS_PORT : DEFAULT_RTSP_PORT;
    }

    public TlsTrust trust() {
        return trust;
    }

    /** The handler that goes first in a new connection's pipeline; {@code host} is sent as SNI and checked. */
    public SslHandler newHandler(ByteBufAllocator alloc, String host, int port) {
        SslHandler h = context.newHandler(alloc, host, port);
        h.setHandshakeTimeoutMillis(HANDSHAKE_TIMEOUT_MILLIS);
        return h;
    }

    /**
     * Why a handshake failed, for the camera's state: the certificate check's own words when it refused the
     * certificate, else the TLS error; null if {@code cause} is not a TLS failure.
     */
    public static String failureReason(Throwable cause) {
        String tls = null;
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof CertificateException c && c.getMessage() != null
                    && c.getMessage().startsWith("certificate refused")) {
                return "TLS handshake failed: " + c.getMessage();
            }
            if (t instanceof NotSslRecordException) {
                // Netty's message is a hex dump of what came instead: not for a camera's state.
                return "TLS handshake failed: the camera did not answer in TLS (does it serve rtsp://, not rtsps://, "
                        + "on that port?)";
            }
            if (t instanceof SSLException && tls == null) {
                tls = t.getMessage();
            }
            if (t.getCause() == t) {
                break;
            }
        }
        if (tls == null) {
            return null;
        }
        return "TLS handshake failed: " + (tls.length() > MAX_REASON_DETAIL ? tls.substring(0, MAX_REASON_DETAIL)
                + "..." : tls);
    }
}
