package dev.camrelay.server.webrtc;

import dev.camrelay.webrtc.ice.MediaPortDemultiplexer;
import dev.camrelay.webrtc.srtp.SrtpTransform;
import dev.camrelay.webrtc.stun.StunMessageEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Single-threaded: runs on the one event loop of the WebRTC UDP channel, which also owns the {@link IceRoutes} it
 * routes by (changes to them are submitted to that loop).
 *
 * <p>Demultiplexes every datagram by its first byte (RFC 7983 §7): STUN to the ICE-lite agent (routed by the ufrag in
 * USERNAME), DTLS and SRTCP to the session whose valid ICE check came from the sender's address (after an ICE
 * restart both its ICE sessions route to it until the old one is gone), anything else dropped and counted. SRTCP is
 * unprotected here and queued, decrypted, for the sender thread. Datagrams are copied into one reused array before
 * parsing; a datagram longer than {@link #MAX_DATAGRAM} is dropped.
 */
final class MediaPortHandler extends SimpleChannelInboundHandler<DatagramPacket> {

    /** Largest datagram considered (Ethernet MTU payload); WebRTC peers send at most ~1200 bytes. */
    static final int MAX_DATAGRAM = 1500;

    private final byte[] in = new byte[MAX_DATAGRAM];
    private final UnsafeBuffer inView = new UnsafeBuffer(in);
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[StunMessageEncoder.MIN_CAPACITY + 512]);
    private final IceRoutes routes;
    private final WebRtcCounters counters;

    MediaPortHandler(IceRoutes routes, WebRtcCounters counters) {
        this.routes = routes;
        this.counters = counters;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        ByteBuf content = packet.content();
        int length = content.readableBytes();
        if (length > MAX_DATAGRAM) {
            WebRtcCounters.add(counters.unknownDropped, 1);
            return;
        }
        content.getBytes(content.readerIndex(), in, 0, length);
        InetSocketAddress sender = packet.sender();
        switch (MediaPortDemultiplexer.classify(inView, 0, length)) {
            case MediaPortDemultiplexer.STUN -> onStun(ctx, length, sender);
            case MediaPortDemultiplexer.DTLS -> onDtls(length, sender);
            case MediaPortDemultiplexer.RTCP -> onRtcp(length, sender);
            // Viewers send no media to the relay: RTP here is garbage or misrouted.
            case MediaPortDemultiplexer.RTP -> WebRtcCounters.add(counters.rtpDropped, 1);
            default -> WebRtcCounters.add(counters.unknownDropped, 1);
        }
    }

    private void onStun(ChannelHandlerContext ctx, int length, InetSocketAddress sender) {
        int n = routes.agent().onStunPacket(inView, 0, length, sender, System.nanoTime(), out, 0);
        if (n > 0) {
            ByteBuf reply = ctx.alloc().directBuffer(n);
            reply.writeBytes(out.byteArray(), 0, n);
            ctx.writeAndFlush(new DatagramPacket(reply, sender));
        } else if (n < 0) {
            WebRtcCounters.add(counters.stunDropped, 1);
        }
    }

    private void onDtls(int length, InetSocketAddress sender) {
        WhepSession session = routes.route(sender);
        if (session == null || !session.dtls.offer(inView, 0, length)) {
            WebRtcCounters.add(counters.dtlsDropped, 1);
        }
    }

    private void onRtcp(int length, InetSocketAddress sender) {
        WhepSession session = routes.route(sender);
        SrtpTransform srtcp = session == null ? null : session.inbound();
        if (srtcp == null) {
            WebRtcCounters.add(counters.rtpDropped, 1);
            return;
        }
        int n = srtcp.unprotectRtcp(in, 0, length);
        if (n < 0) {
            WebRtcCounters.add(counters.rtpDropped, 1);
            return;
        }
        // Parsed on the sender thread, which owns everything the feedback acts on.
        if (!session.rtcp.offer(inView, 0, n)) {
            WebRtcCounters.add(counters.rtcpDropped, 1);
        }
    }
}
