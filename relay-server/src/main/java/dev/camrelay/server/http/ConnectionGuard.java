package dev.camrelay.server.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of every HTTP pipeline (an HTTP/1.1 connection's, an HTTP/2 connection's own, and each HTTP/2 stream's):
 * closes the channel when it has been idle for {@link HttpServer#IDLE_SECONDS} and on an error (a dropped peer is
 * logged at debug, anything else as a warning), which the HTTP/2 codec has already answered with {@code GOAWAY} or
 * {@code RST_STREAM} where the protocol asks for it.
 *
 * <p>Threading: stateless, so one instance serves every channel ({@link #INSTANCE}), on each channel's event loop.
 */
@ChannelHandler.Sharable
final class ConnectionGuard extends ChannelInboundHandlerAdapter {

    static final ConnectionGuard INSTANCE = new ConnectionGuard();

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

    private ConnectionGuard() {
    }

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
            LOG.warn("HTTP channel {} failed; closing it", ctx.channel(), cause);
        }
        ctx.close();
    }
}
