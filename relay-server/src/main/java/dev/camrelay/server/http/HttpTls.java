package dev.camrelay.server.http;

import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.File;
import java.io.IOException;

/**
 * The HTTP port's TLS: a server {@link SslContext} from a PEM certificate chain and its PKCS#8 PEM key, offering
 * {@code h2} then {@code http/1.1} by ALPN (RFC 7301), with the JDK's TLS (no native library needed), TLS 1.2 and 1.3
 * only and, for HTTP/2, only the cipher suites RFC 9113 §9.2.2 does not forbid ({@link Http2SecurityUtil#CIPHERS}).
 *
 * <p>Threading: stateless; the context it builds is thread-safe.
 */
public final class HttpTls {

    /** TLS versions offered: HTTP/2 needs TLS 1.2 or later (RFC 9113 §9.2). */
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private HttpTls() {
    }

    /** @throws IOException naming the file when the certificate or key cannot be read or do not match */
    public static SslContext serverContext(File certificateChain, File privateKey) throws IOException {
        try {
            return SslContextBuilder.forServer(certificateChain, privateKey)
                    .sslProvider(SslProvider.JDK)
                    .protocols(PROTOCOLS)
                    .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            // a client without ALPN, or offering neither, gets HTTP/1.1
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
                    .build();
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException("cannot use certificate " + certificateChain + " with key " + privateKey + ": "
                    + e.getMessage(), e);
        }
    }
}
