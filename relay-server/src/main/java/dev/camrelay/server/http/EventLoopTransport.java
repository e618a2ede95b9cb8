package dev.camrelay.server.http;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * Netty's I/O transport for this machine: native epoll on Linux when its library loads, NIO everywhere else.
 *
 * @param name          "epoll" or "nio"
 * @param reason        why this one (shown at start-up)
 * @param ioHandlers    creates the event loops' I/O handlers
 * @param serverChannel the listening socket type that goes with them
 */
public record EventLoopTransport(String name, String reason, IoHandlerFactory ioHandlers,
                                 Class<? extends ServerChannel> serverChannel) {

    public static EventLoopTransport detect() {
        if (Epoll.isAvailable()) {
            return new EventLoopTransport("epoll", "native epoll is available", EpollIoHandler.newFactory(),
                    EpollServerSocketChannel.class);
        }
        Throwable cause = Epoll.unavailabilityCause();
        return new EventLoopTransport("nio", "epoll unavailable: " + (cause == null ? "not Linux" : cause),
                NioIoHandler.newFactory(), NioServerSocketChannel.class);
    }
}
