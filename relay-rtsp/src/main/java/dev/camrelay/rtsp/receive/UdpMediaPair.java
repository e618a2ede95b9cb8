package dev.camrelay.rtsp.receive;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.function.Consumer;
import org.agrona.DirectBuffer;

/**
 * Threading: created, used and closed on one event loop (the RTSP connection's), on which both sockets are
 * registered, so datagrams feed the track's receiver on the same thread as the connection and that loop stays the
 * single writer of the camera's buffer.
 *
 * <p>An even/odd UDP port pair for one RTP track (RFC 3550 §11: RTP on an even port, RTCP on the next odd one), as
 * the relay's push server offers it ({@code server_port}, RFC 2326 §12.39) and as its pull client asks for it
 * ({@code client_port}). Sockets get {@link UdpReceiveOptions} (datagrams up to 64 KiB intact, a large SO_RCVBUF).
 * Datagrams from any address other than the session's peer are dropped and counted (protocols.md 1.6, 2.4).
 * Allocates nothing per received datagram; {@link #send} is for the rare control packets (NAT opening, receiver
 * reports).
 */
public final class UdpMediaPair {

    /** Attempts to find a free even port whose odd neighbour is free too. */
    public static final int MAX_BIND_ATTEMPTS = 16;

    /** What a pair tells its owner; called on the pair's event loop. */
    public interface Events {
        /** A datagram from the peer, before the receiver sees it. */
        void onMedia(boolean rtp, long nowNanos);
    }

    /**
     * What {@link #bind} needs; one per track.
     *
     * @param peer     the only address media is accepted from (the camera, or the publisher)
     * @param counters where a datagram from elsewhere is counted
     */
    public record Binding(EventLoop loop, Class<? extends DatagramChannel> type, InetAddress local, InetAddress peer,
                          RtpTrackReceiver receiver, ReceiveCounters counters, Events events) {
    }

    private final Channel rtp;
    private final Channel rtcp;

    private UdpMediaPair(Channel rtp, Channel rtcp) {
        this.rtp = rtp;
        this.rtcp = rtcp;
    }

    /**
     * Binds a pair on {@code local}, asynchronously (binding completes on the loop after this returns).
     *
     * @param done called on the loop with the pair, or with null when no pair could be bound
     */
    public static void bind(Binding b, Consumer<UdpMediaPair> done) {
        attempt(b, done, 0);
    }

    private static void attempt(Binding b, Consumer<UdpMediaPair> done, int attempt) {
        if (attempt >= MAX_BIND_ATTEMPTS) {
            done.accept(null);
            return;
        }
        open(b, new InetSocketAddress(b.local(), 0), true).addListener((ChannelFuture fa) -> {
            if (!fa.isSuccess()) {
                done.accept(null);
                return;
            }
            Channel a = fa.channel();
            int port = ((InetSocketAddress) a.localAddress()).getPort();
            if ((port & 1) != 0 || port >= 0xFFFF) {
                a.close();
                attempt(b, done, attempt + 1);
                return;
            }
            open(b, new InetSocketAddress(b.local(), port + 1), false).addListener((ChannelFuture fb) -> {
                if (!fb.isSuccess()) {
                    a.close();
                    attempt(b, done, attempt + 1);
                    return;
                }
                done.accept(new UdpMediaPair(a, fb.channel()));
            });
        });
    }

    private static ChannelFuture open(Binding b, InetSocketAddress at, boolean isRtp) {
        return UdpReceiveOptions.apply(new Bootstrap().group(b.loop()).channel(b.type()))
                .handler(new Receive(b, isRtp)).bind(at);
    }

    public int rtpPort() {
        return ((InetSocketAddress) rtp.localAddress()).getPort();
    }

    public int rtcpPort() {
        return ((InetSocketAddress) rtcp.localAddress()).getPort();
    }

    /** Sends {@code data} (released by the write) from the RTP or the RTCP socket. */
    public void send(boolean fromRtcp, ByteBuf data, InetSocketAddress to) {
        (fromRtcp ? rtcp : rtp).writeAndFlush(new DatagramPacket(data, to));
    }

    public void close() {
        rtp.close();
        rtcp.close();
    }

    /** Feeds one socket's datagrams from the peer into the track's receiver. */
    private static final class Receive extends SimpleChannelInboundHandler<DatagramPacket> {
        private final InetAddress peer;
        private final RtpTrackReceiver receiver;
        private final boolean isRtp;
        private final ReceiveCounters counters;
        private final Events events;
        private final ByteBufView view = new ByteBufView();

        Receive(Binding b, boolean isRtp) {
            this.peer = b.peer();
            this.receiver = b.receiver();
            this.isRtp = isRtp;
            this.counters = b.counters();
            this.events = b.events();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            if (!peer.equals(packet.sender().getAddress())) {
                counters.foreignDatagram();
                return;
            }
            DirectBuffer v = view.wrap(packet.content());
            int length = packet.content().readableBytes();
            long now = System.nanoTime();
            events.onMedia(isRtp, now);
            if (isRtp) {
                receiver.onRtp(v, view.offset(), length, now);
            } else {
                receiver.onRtcp(v, view.offset(), length, now);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A UDP socket error (e.g. ICMP port unreachable after a NAT-opening packet) is not fatal.
        }
    }
}
