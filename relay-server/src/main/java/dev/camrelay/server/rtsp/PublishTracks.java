package dev.camrelay.server.rtsp;

import dev.camrelay.rtsp.client.EpochSink;
import dev.camrelay.rtsp.client.TrackDepacketizers;
import dev.camrelay.rtsp.depacketize.DiscardingDepacketizer;
import dev.camrelay.rtsp.depacketize.RtpDepacketizer;
import dev.camrelay.rtsp.message.InterleavedFrame;
import dev.camrelay.rtsp.message.RtspTransport;
import dev.camrelay.rtsp.receive.ByteBufView;
import dev.camrelay.rtsp.receive.RtpTrackReceiver;
import dev.camrelay.rtsp.receive.TrackTally;
import dev.camrelay.rtsp.receive.UdpMediaPair;
import dev.camrelay.rtsp.sdp.MediaDescription;
import dev.camrelay.rtsp.sdp.SdpTrackFormats;
import dev.camrelay.rtsp.sdp.SessionDescription;
import java.util.ArrayList;
import java.util.List;
import org.agrona.DirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Threading: confined to the publishing connection's event loop.
 *
 * <p>The tracks of one publisher's ANNOUNCE and how each was set up (protocols.md 2.1, 2.2): every SDP track gets a
 * receiver, the ones the relay carries with their depacketizer into the camera's epoch, the others with a
 * {@link DiscardingDepacketizer} (a publisher may SETUP and send a track the relay does not carry: contract.md,
 * skipped with a log line). A SETUP names its track by control URL (or, with none, SDP order, RFC 2326 §C.1.1);
 * TCP maps interleaved channels to receivers, UDP gives the track a receiver with a reorder buffer fed by its own
 * {@link UdpMediaPair}.
 */
final class PublishTracks {

    private static final Logger LOG = LoggerFactory.getLogger(PublishTracks.class);
    /** Interleaved channels are one byte (RFC 2326 §10.12). */
    private static final int CHANNELS = 256;

    private final ByteBufView view = new ByteBufView();
    private final RtpTrackReceiver[] byChannel = new RtpTrackReceiver[CHANNELS];
    /** The tracks carried into the camera's buffer, in track order. */
    private final List<MediaDescription> carried = new ArrayList<>();
    /** Every track of the ANNOUNCE in SDP order, carried or not; {@link #receivers} is aligned with it. */
    private final List<MediaDescription> announced = new ArrayList<>();
    private final List<RtpTrackReceiver> receivers = new ArrayList<>();
    private final List<UdpMediaPair> udp = new ArrayList<>();
    private int setups;

    private PublishTracks() {
    }

    /** The tracks of an ANNOUNCE; null if the relay carries none of them. */
    static PublishTracks announced(SessionDescription sdp, EpochSink epoch, String cameraId) {
        PublishTracks t = new PublishTracks();
        boolean hasVideo = sdp.media().stream().anyMatch(m -> m.mediaType().equals("video"));
        for (MediaDescription m : sdp.media()) {
            int next = t.carried.size();
            RtpDepacketizer d = next >= RtspServer.MAX_TRACKS || m.clockRate() <= 0
                    || SdpTrackFormats.of(next, m) == null ? null
                    : TrackDepacketizers.create(next, m, epoch, !hasVideo);
            if (d == null) {
                LOG.info("camera {}: skipping unsupported track {} {}", cameraId, m.mediaType(), m.encodingName());
                d = new DiscardingDepacketizer();
            } else {
                t.carried.add(m);
            }
            t.announced.add(m);
            t.receivers.add(new RtpTrackReceiver(Math.max(1, m.clockRate()), d, false));
        }
        return t.carried.isEmpty() ? null : t;
    }

    List<MediaDescription> carried() {
        return carried;
    }

    int setups() {
        return setups;
    }

    boolean overUdp() {
        return !udp.isEmpty();
    }

    /** The announced track (SDP order, carried or not) a SETUP URL names, or -1. */
    int trackOf(PublishPath path) {
        for (int i = 0; i < announced.size(); i++) {
            String control = announced.get(i).control();
            if (control != null && !control.isEmpty()
                    && (control.equals(path.control()) || control.endsWith("/" + path.control())
                    && !path.control().isEmpty())) {
                return i;
            }
        }
        // No usable control: tracks are set up in SDP order (RFC 2326 §C.1.1 aggregate control).
        return path.control().isEmpty() && setups < announced.size() ? setups : -1;
    }

    /** The first unicast transport of a SETUP the relay can serve (TCP, or UDP with a client port), or null. */
    static RtspTransport choose(String transportHeader) {
        for (RtspTransport t : RtspTransport.parseAll(transportHeader)) {
            if (!t.multicast() && (t.tcp() || t.clientRtpPort() > 0)) {
                return t;
            }
        }
        return null;
    }

    /** Sets {@code track} up over TCP; returns the answer's Transport, or null if the channels are out of range. */
    String setupTcp(int track, RtspTransport chosen) {
        int rtp = chosen.interleavedRtp() >= 0 ? chosen.interleavedRtp() : 2 * track;
        int rtcp = chosen.interleavedRtcp() >= 0 ? chosen.interleavedRtcp() : rtp + 1;
        if (rtp >= CHANNELS || rtcp >= CHANNELS) {
            return null;
        }
        byChannel[rtp] = receivers.get(track);
        byChannel[rtcp] = receivers.get(track);
        setups++;
        return "RTP/AVP/TCP;unicast;interleaved=" + rtp + "-" + rtcp + ";mode=record";
    }

    /**
     * The receiver for {@code track} over UDP: with a reorder buffer (not for a track that is dropped anyway),
     * replacing the TCP one; feed it from a pair bound with {@link #udpBound}.
     */
    RtpTrackReceiver udpReceiver(int track) {
        RtpTrackReceiver tcp = receivers.get(track);
        boolean isCarried = !(tcp.depacketizer() instanceof DiscardingDepacketizer);
        RtpTrackReceiver r = new RtpTrackReceiver(Math.max(1, announced.get(track).clockRate()), tcp.depacketizer(),
                isCarried);
        receivers.set(track, r);
        return r;
    }

    /** The UDP pair of a track was bound; returns the answer's Transport. */
    String udpBound(UdpMediaPair pair, RtspTransport chosen) {
        udp.add(pair);
        setups++;
        int clientRtcp = chosen.clientRtcpPort() > 0 ? chosen.clientRtcpPort() : chosen.clientRtpPort() + 1;
        return "RTP/AVP;unicast;client_port=" + chosen.clientRtpPort() + "-" + clientRtcp + ";server_port="
                + pair.rtpPort() + "-" + pair.rtcpPort() + ";mode=record";
    }

    /**
     * An interleaved frame while recording, to its track's receiver.
     *
     * @return true if it was RTP of a set-up track (for liveness)
     */
    boolean onInterleaved(InterleavedFrame f, long nowNanos) {
        RtpTrackReceiver r = byChannel[f.channel()];
        if (r == null) {
            return false; // a channel not set up: dropped (released by the caller's base class)
        }
        DirectBuffer v = view.wrap(f.content());
        int length = f.content().readableBytes();
        if ((f.channel() & 1) == 0) {
            r.onRtp(v, view.offset(), length, nowNanos);
            return true;
        }
        r.onRtcp(v, view.offset(), length, nowNanos);
        return false;
    }

    void tick(TrackTally tally, long nowNanos) {
        tally.tick(receivers, nowNanos);
    }

    /** Closes the UDP sockets. */
    void close() {
        for (UdpMediaPair p : udp) {
            p.close();
        }
        udp.clear();
    }
}
