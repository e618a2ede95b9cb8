package dev.camrelay.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After the TLS handshake of an HTTPS connection, puts HTTP/2 or HTTP/1.1 behind the TLS handler, as ALPN chose
 * (RFC 7301; RFC 9113 §3.2): {@code h2} gets the HTTP/2 frame codec and one dispatcher per stream, anything else
 * (including a client without ALPN) HTTP/1.1. A failed handshake (plain HTTP sent to the HTTPS port, a client that
 * does not trust the certificate, garbage) closes the connection and is counted, never more.
 *
 * <p>Threading: one instance per connection, on its event loop; removes itself once the protocol is chosen.
 */
final class HttpProtocolNegotiation extends ApplicationProtocolNegotiationHandler {

    private static final Logger LOG = LoggerFactory.getLogger(HttpProtocolNegotiation.class);

    private final HttpServer server;
    private final HttpCounters counters;

    HttpProtocolNegotiation(HttpServer server, HttpCounters counters) {
        super(ApplicationProtocolNames.HTTP_1_1);
        this.server = server;
        this.counters = counters;
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
        if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
            server.addHttp2(ctx.pipeline());
        } else if (ApplicationProtocolNames.HTTP_1_1.equals(protocol)) {
            server.addHttp1(ctx.pipeline());
        } else {
            // NO_ADVERTISE lets the client pick only what we offered; anything else is a broken client
            counters.tlsHandshakeFailed();
            ctx.close();
        }
    }

    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
        counters.tlsHandshakeFailed();
        LOG.debug("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        counters.tlsHandshakeFailed();
        LOG.debug("HTTPS connection {} failed before its protocol was chosen: {}", ctx.channel().remoteAddress(),
                cause.toString());
        ctx.close();
    }
}
