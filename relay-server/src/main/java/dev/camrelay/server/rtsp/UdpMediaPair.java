package dev.camrelay.server.rtsp;

import dev.camrelay.rtsp.receive.ByteBufView;
import dev.camrelay.rtsp.receive.RtpTrackReceiver;
import dev.camrelay.rtsp.receive.UdpReceiveOptions;
import io.netty.bootstrap.Bootstrap;
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
 * Threading: created and closed on the publishing connection's event loop, on which both sockets are registered,
 * so the datagrams feed the track's receiver on the same thread as the connection: that loop stays the single writer
 * of the camera's buffer.
 *
 * <p>The server's even/odd UDP port pair for one track of a UDP RECORD session (RFC 2326 §12.39 {@code server_port};
 * RFC 3550 §11: RTP on an even port, RTCP on the next odd one). Datagrams from any address other than the
 * publisher's are dropped and counted (protocols.md 2.4). Allocates nothing per datagram.
 */
final class UdpMediaPair {

    /** Attempts to find a free even port whose odd neighbour is free too. */
    static final int MAX_BIND_ATTEMPTS = 16;

    private final Channel rtp;
    private final Channel rtcp;

    private UdpMediaPair(Channel rtp, Channel rtcp) {
        this.rtp = rtp;
        this.rtcp = rtcp;
    }

    /** What {@link #bind} needs; one per track being set up. */
    record Binding(EventLoop loop, Class<? extends DatagramChannel> type, InetAddress local, InetAddress publisher,
                   RtpTrackReceiver receiver, RtspIngestCounters counters, Runnable onRtp) {
    }

    /**
     * Binds a pair on {@code local}'s address, asynchronously (binding completes on the loop after this returns).
     *
     * @param done called on the loop with the pair, or with null when no pair could be bound
     */
    static void bind(Binding b, Consumer<UdpMediaPair> done) {
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
                .handler(new Receive(b.publisher(), b.receiver(), isRtp, b.counters(), b.onRtp())).bind(at);
    }

    int rtpPort() {
        return ((InetSocketAddress) rtp.localAddress()).getPort();
    }

    int rtcpPort() {
        return ((InetSocketAddress) rtcp.localAddress()).getPort();
    }

    void close() {
        rtp.close();
        rtcp.close();
    }

    /** Feeds one socket's datagrams from the publisher into the track's receiver. */
    private static final class Receive extends SimpleChannelInboundHandler<DatagramPacket> {
        private final InetAddress publisher;
        private final RtpTrackReceiver receiver;
        private final boolean isRtp;
        private final RtspIngestCounters counters;
        private final Runnable onRtp;
        private final ByteBufView view = new ByteBufView();

        Receive(InetAddress publisher, RtpTrackReceiver receiver, boolean isRtp, RtspIngestCounters counters,
                Runnable onRtp) {
            this.publisher = publisher;
            this.receiver = receiver;
            this.isRtp = isRtp;
            this.counters = counters;
            this.onRtp = onRtp;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            if (!publisher.equals(packet.sender().getAddress())) {
                counters.foreignDatagram();
                return;
            }
            DirectBuffer v = view.wrap(packet.content());
            int length = packet.content().readableBytes();
            long now = System.nanoTime();
            if (isRtp) {
                onRtp.run();
                receiver.onRtp(v, view.offset(), length, now);
            } else {
                receiver.onRtcp(v, view.offset(), length, now);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A UDP socket error (e.g. ICMP port unreachable) is not fatal for a receive-only socket.
        }
    }
}
