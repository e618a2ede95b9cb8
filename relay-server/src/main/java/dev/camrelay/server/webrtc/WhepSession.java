package dev.camrelay.server.webrtc;

import dev.camrelay.core.buffer.StreamReader;
import dev.camrelay.core.session.ViewerSession;
import dev.camrelay.webrtc.dtls.DtlsPacketTransport;
import dev.camrelay.webrtc.ice.IceLiteSession;
import dev.camrelay.webrtc.rtp.H264Packetizer;
import dev.camrelay.webrtc.rtp.RtcpFeedbackHandler;
import dev.camrelay.webrtc.rtp.RtpSendHistory;
import dev.camrelay.webrtc.sdp.WhepAnswer;
import dev.camrelay.webrtc.srtp.SrtpTransform;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Identity and control fields are final or volatile and safe from any thread; the DTLS thread publishes the SRTP
 * transforms once ({@link #keysReady}); the inbound transform and {@link #feedbackHandler} are used only by the UDP
 * I/O thread; the packetizer, send history, reader and report state only by the sender thread; {@link #close} may
 * be called from any thread and is idempotent.
 *
 * <p>One WHEP resource (RFC 9725 §4.2): the viewer session it plays for, its ICE-lite state, its DTLS transport, and
 * the RTP state of its one video SSRC.
 */
final class WhepSession {

    final String id;
    final String etag;
    final ViewerSession viewer;
    final IceLiteSession ice;
    final DtlsPacketTransport dtls;
    final WhepAnswer answer;
    final int videoSsrc;
    final int videoTrack;
    final FeedbackQueue feedback = new FeedbackQueue();
    final RtcpFeedbackHandler feedbackHandler;

    // Sender thread only.
    final H264Packetizer packetizer;
    final RtpSendHistory history = new RtpSendHistory();
    StreamReader reader;
    long nextReaderAttemptNanos;
    long nextReportNanos;
    long lastPictureLossAnswerNanos = Long.MIN_VALUE / 2;
    long packetsSent;
    long octetsSent;
    int lastRtpTimestamp;
    long lastRtpTimestampNanos;

    private volatile SrtpTransform outbound;
    private volatile SrtpTransform inbound;
    private final AtomicReference<String> closeReason = new AtomicReference<>();

    WhepSession(String id, ViewerSession viewer, IceLiteSession ice, DtlsPacketTransport dtls, WhepAnswer answer,
                int videoSsrc, int videoTrack, H264Packetizer packetizer, WebRtcCounters counters) {
        this.id = id;
        this.etag = "\"" + ice.localCredentials().ufrag() + "\"";
        this.viewer = viewer;
        this.ice = ice;
        this.dtls = dtls;
        this.answer = answer;
        this.videoSsrc = videoSsrc;
        this.videoTrack = videoTrack;
        this.packetizer = packetizer;
        this.feedbackHandler = new RtcpFeedbackHandler() {
            @Override
            public void onNack(int mediaSsrc, int sequence) {
                if (mediaSsrc == videoSsrc) {
                    WebRtcCounters.add(counters.nacksReceived, 1);
                    feedback.offerNack(sequence);
                }
            }

            @Override
            public void onPictureLoss(int mediaSsrc) {
                if (mediaSsrc == videoSsrc) {
                    feedback.pictureLoss();
                }
            }

            @Override
            public void onFullIntraRequest(int mediaSsrc, int commandSequence) {
                if (mediaSsrc == videoSsrc) {
                    feedback.pictureLoss();
                }
            }
        };
    }

    /** DTLS thread: the handshake finished; media may flow once ICE has nominated. */
    void keysReady(SrtpTransform out, SrtpTransform in) {
        inbound = in;
        outbound = out;
    }

    SrtpTransform outbound() {
        return outbound;
    }

    SrtpTransform inbound() {
        return inbound;
    }

    /** Marks the session closed; true for the first caller, who then tears it down. */
    boolean markClosed(String reason) {
        if (!closeReason.compareAndSet(null, reason)) {
            return false;
        }
        dtls.close();
        return true;
    }

    boolean isClosed() {
        return closeReason.get() != null;
    }

    String closeReason() {
        return closeReason.get();
    }

    String cameraId() {
        return viewer.cameraId();
    }

    @Override
    public String toString() {
        return "WhepSession[" + id.substring(0, 8) + "..., camera=" + viewer.cameraId() + ", " + ice + "]";
    }
}
