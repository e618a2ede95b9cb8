package dev.camrelay.rtsp.client;

import dev.camrelay.rtsp.message.RtspTransport;
import dev.camrelay.rtsp.receive.ReceiveCounters;
import dev.camrelay.rtsp.receive.RtpTrackReceiver;
import dev.camrelay.rtsp.receive.UdpMediaPair;
import dev.camrelay.rtsp.rtp.RtcpDescriptor;
import dev.camrelay.rtsp.rtp.RtpDescriptor;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Threading: confined to the pull session's event loop, on which every socket is registered.
 *
 * <p>The UDP side of a pull session (protocols.md 1.4, 1.6): one {@link UdpMediaPair} per track, bound on the
 * address the RTSP connection uses and accepting media only from the camera's address; the {@code client_port}
 * each SETUP asks for; the {@code server_port} each answer gives (OpenIPC gives none); one RTP and one RTCP packet
 * to every server port before PLAY, so a NAT or firewall on the way lets the camera's packets in (gortsplib
 * {@code doPlay}, FFmpeg {@code rtpdec.c}); receiver reports to the server's RTCP ports.
 */
final class PullUdpTracks {

    private final List<UdpMediaPair> pairs = new ArrayList<>();
    private final InetAddress camera;
    private final int[] serverRtp;
    private final int[] serverRtcp;
    private boolean closed;

    PullUdpTracks(InetAddress camera, int tracks) {
        this.camera = camera;
        this.serverRtp = new int[tracks];
        this.serverRtcp = new int[tracks];
        Arrays.fill(serverRtp, -1);
        Arrays.fill(serverRtcp, -1);
    }

    /**
     * Binds one pair per receiver, in order, asynchronously.
     *
     * @param done called on the loop with true once all are bound, false if one could not be (then none is kept)
     */
    void bindAll(EventLoop loop, Class<? extends DatagramChannel> type, InetAddress local,
                 List<RtpTrackReceiver> receivers, ReceiveCounters counters, UdpMediaPair.Events events,
                 Consumer<Boolean> done) {
        int k = pairs.size();
        if (closed) {
            return;
        }
        if (k == receivers.size()) {
            done.accept(true);
            return;
        }
        UdpMediaPair.bind(new UdpMediaPair.Binding(loop, type, local, camera, receivers.get(k), counters, events),
                pair -> {
                    if (pair == null) {
                        close();
                        done.accept(false);
                    } else if (closed) {
                        pair.close();
                    } else {
                        pairs.add(pair);
                        bindAll(loop, type, local, receivers, counters, events, done);
                    }
                });
    }

    /** The {@code Transport} a SETUP of track {@code k} offers. */
    String offer(int k) {
        UdpMediaPair p = pairs.get(k);
        return "RTP/AVP;unicast;client_port=" + p.rtpPort() + "-" + p.rtcpPort();
    }

    /** Takes the server's ports from its SETUP answer. */
    void answered(int k, RtspTransport t) {
        serverRtp[k] = t == null ? -1 : t.serverRtpPort();
        serverRtcp[k] = t == null ? -1 : t.serverRtcpPort();
    }

    /** One empty RTP packet and one empty RTCP receiver report to each server port that is known. */
    void openNat(int receiverSsrc) {
        for (int k = 0; k < pairs.size(); k++) {
            if (serverRtp[k] > 0) {
                ByteBuf rtp = Unpooled.buffer(RtpDescriptor.FIXED_HEADER_LENGTH);
                rtp.writeByte(RtpDescriptor.VERSION << RtpDescriptor.VERSION_SHIFT).writeByte(0).writeShort(0)
                        .writeInt(0).writeInt(receiverSsrc);
                pairs.get(k).send(false, rtp, new InetSocketAddress(camera, serverRtp[k]));
            }
            if (serverRtcp[k] > 0) {
                ByteBuf rr = Unpooled.buffer(RtcpDescriptor.RR_HEADER_LENGTH);
                rr.writeByte(RtpDescriptor.VERSION << RtpDescriptor.VERSION_SHIFT)
                        .writeByte(RtcpDescriptor.PT_RECEIVER_REPORT).writeShort(1).writeInt(receiverSsrc);
                pairs.get(k).send(true, rr, new InetSocketAddress(camera, serverRtcp[k]));
            }
        }
    }

    /** Sends an RTCP packet of track {@code k} to the server's RTCP port; false (released) if none is known. */
    boolean sendRtcp(int k, ByteBuf rtcp) {
        if (closed || k >= pairs.size() || serverRtcp[k] <= 0) {
            rtcp.release();
            return false;
        }
        pairs.get(k).send(true, rtcp, new InetSocketAddress(camera, serverRtcp[k]));
        return true;
    }

    void close() {
        closed = true;
        for (UdpMediaPair p : pairs) {
            p.close();
        }
        pairs.clear();
    }
}
