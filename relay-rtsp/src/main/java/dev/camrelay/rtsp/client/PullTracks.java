package dev.camrelay.rtsp.client;

import dev.camrelay.rtsp.depacketize.AccessUnitSink;
import dev.camrelay.rtsp.depacketize.RtpDepacketizer;
import dev.camrelay.rtsp.message.InterleavedFrame;
import dev.camrelay.rtsp.message.RtspTransport;
import dev.camrelay.rtsp.receive.ByteBufView;
import dev.camrelay.rtsp.receive.ReceiveCounters;
import dev.camrelay.rtsp.receive.RtpTrackReceiver;
import dev.camrelay.rtsp.receive.UdpMediaPair;
import dev.camrelay.rtsp.rtp.RtcpReceiverReportWriter;
import dev.camrelay.rtsp.sdp.H264Fmtp;
import dev.camrelay.rtsp.sdp.MediaDescription;
import dev.camrelay.rtsp.sdp.SessionDescription;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Threading: confined to the pull session's event loop.
 *
 * <p>The tracks of one pull session and how their media arrives: each track's depacketizer and receiver, over UDP
 * ({@link PullUdpTracks}, with a reorder buffer) or over TCP interleaved (RFC 2326 §10.12: channels as the SETUP
 * answer gives them, RTP on the even one), and the RTCP receiver reports sent back the same way (RFC 3550 §6.4.2).
 */
final class PullTracks {

    private final List<MediaDescription> media = new ArrayList<>();
    private final List<RtpDepacketizer> depacketizers = new ArrayList<>();
    private final List<RtpTrackReceiver> receivers = new ArrayList<>();
    private final RtpTrackReceiver[] byChannel = new RtpTrackReceiver[256];
    private final int[] rtcpChannel = new int[RtspPullSession.MAX_TRACKS];
    private final int receiverSsrc = ThreadLocalRandom.current().nextInt();
    private final UnsafeBuffer report = new UnsafeBuffer(new byte[RtcpReceiverReportWriter.LENGTH]);
    private final ByteBufView view = new ByteBufView();
    private PullUdpTracks udp;

    /**
     * Adds every track of {@code sdp} the relay carries (a depacketizer for it and a clock rate), in order, up to
     * {@link RtspPullSession#MAX_TRACKS}; audio frames are keyframes when there is no video.
     *
     * @return true if an H.264 track uses packetization-mode 0 (gortsplib then uses TCP from the start)
     */
    boolean addCarried(SessionDescription sdp, AccessUnitSink sink) {
        boolean hasVideo = sdp.media().stream().anyMatch(m -> m.mediaType().equals("video"));
        boolean singleNalMode = false;
        for (MediaDescription m : sdp.media()) {
            RtpDepacketizer d = TrackDepacketizers.create(size(), m, sink, !hasVideo);
            if (d != null && m.clockRate() > 0) {
                if (!add(m, d)) {
                    break;
                }
                singleNalMode |= m.encodingName().equals("H264") && H264Fmtp.of(m).packetizationMode() == 0;
            }
        }
        return singleNalMode;
    }

    /** Adds a track the relay carries; false once {@link RtspPullSession#MAX_TRACKS} are there. */
    boolean add(MediaDescription m, RtpDepacketizer d) {
        if (media.size() >= RtspPullSession.MAX_TRACKS) {
            return false;
        }
        media.add(m);
        depacketizers.add(d);
        return true;
    }

    int size() {
        return media.size();
    }

    MediaDescription get(int k) {
        return media.get(k);
    }

    List<MediaDescription> media() {
        return List.copyOf(media);
    }

    List<RtpTrackReceiver> receivers() {
        return receivers;
    }

    boolean overUdp() {
        return udp != null;
    }

    /**
     * Binds a UDP port pair per track (receivers with reorder buffers), asynchronously.
     *
     * @param done called on the loop: true when every pair is bound, false when not (then TCP is set up instead)
     */
    void receiveOverUdp(ChannelHandlerContext ctx, Class<? extends DatagramChannel> type, ReceiveCounters counters,
                        UdpMediaPair.Events events, Consumer<Boolean> done) {
        InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
        InetSocketAddress local = (InetSocketAddress) ctx.channel().localAddress();
        udp = new PullUdpTracks(remote.getAddress(), media.size());
        receivers.clear();
        for (int k = 0; k < media.size(); k++) {
            receivers.add(new RtpTrackReceiver(media.get(k).clockRate(), depacketizers.get(k), true));
        }
        udp.bindAll(ctx.channel().eventLoop(), type, local.getAddress(), receivers, counters, events, bound -> {
            if (!bound) {
                receiveOverTcp();
            }
            done.accept(bound);
        });
    }

    /** Every track over TCP interleaved from now on (UDP sockets closed, receivers without reordering). */
    void receiveOverTcp() {
        if (udp != null) {
            udp.close();
            udp = null;
        }
        receivers.clear();
        for (int k = 0; k < media.size(); k++) {
            receivers.add(new RtpTrackReceiver(media.get(k).clockRate(), depacketizers.get(k), false));
        }
    }

    /** The {@code Transport} the SETUP of track {@code k} offers (no {@code mode=} when playing, 1.4). */
    String offer(int k) {
        return udp != null ? udp.offer(k) : "RTP/AVP/TCP;unicast;interleaved=" + (2 * k) + "-" + (2 * k + 1);
    }

    /**
     * Takes the SETUP answer of track {@code k}.
     *
     * @return false when the interleaved channels it gives are out of range
     */
    boolean answered(int k, RtspTransport t) {
        if (udp != null) {
            udp.answered(k, t);
            return true;
        }
        int rtp = t != null && t.interleavedRtp() >= 0 ? t.interleavedRtp() : 2 * k; // servers may pick others
        int rtcp = t != null && t.interleavedRtcp() >= 0 ? t.interleavedRtcp() : rtp + 1;
        if (rtp > 255 || rtcp > 255) {
            return false;
        }
        byChannel[rtp] = receivers.get(k);
        byChannel[rtcp] = receivers.get(k);
        rtcpChannel[k] = rtcp;
        return true;
    }

    /** Before PLAY over UDP: open the way through NATs and firewalls (protocols.md 1.6). */
    void openNat() {
        if (udp != null) {
            udp.openNat(receiverSsrc);
        }
    }

    /** True when {@code channel} is the RTP or RTCP channel of a track set up over TCP. */
    boolean carries(int channel) {
        return byChannel[channel] != null;
    }

    /** @return true when the frame was on a channel set up (RTP or RTCP of a track) */
    boolean onInterleaved(InterleavedFrame f, long nowNanos) {
        RtpTrackReceiver r = byChannel[f.channel()];
        if (r == null) {
            return false;
        }
        DirectBuffer v = view.wrap(f.content());
        int length = f.content().readableBytes();
        if ((f.channel() & 1) == 0) {
            r.onRtp(v, view.offset(), length, nowNanos);
        } else {
            r.onRtcp(v, view.offset(), length, nowNanos);
        }
        return true;
    }

    /** One receiver report per track that has received something; returns how many were sent. */
    int sendReceiverReports(ChannelHandlerContext ctx, long nowNanos) {
        int sent = 0;
        for (int k = 0; k < receivers.size(); k++) {
            int length = receivers.get(k).writeReceiverReport(report, 0, receiverSsrc, nowNanos);
            if (length == 0) {
                continue;
            }
            ByteBuf rr = Unpooled.copiedBuffer(report.byteArray(), 0, length);
            if (udp != null) {
                sent += udp.sendRtcp(k, rr) ? 1 : 0;
            } else {
                ctx.writeAndFlush(new InterleavedFrame(rtcpChannel[k], rr));
                sent++;
            }
        }
        return sent;
    }

    void close() {
        if (udp != null) {
            udp.close();
        }
    }
}
