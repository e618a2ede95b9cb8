package dev.camrelay.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of an HTTP/2 connection's own pipeline (its streams have their own): closes the connection when it has
 * been idle for {@link HttpServer#IDLE_SECONDS} and on an error, which the HTTP/2 codec has already answered with
 * {@code GOAWAY} or {@code RST_STREAM} where the protocol asks for it.
 *
 * <p>Threading: one instance per connection, on its event loop.
 */
final class ConnectionGuard extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
        } else {
            super.userEventTriggered(ctx, evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("connection {} dropped: {}", ctx.channel().remoteAddress(), cause.toString());
        } else {
            LOG.warn("HTTP/2 connection {} failed; closing it", ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }
}
