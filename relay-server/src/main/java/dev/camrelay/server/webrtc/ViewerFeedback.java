package dev.camrelay.server.webrtc;

import dev.camrelay.webrtc.cc.TransportCcFeedback;
import dev.camrelay.webrtc.rtp.RtcpFeedbackHandler;
import dev.camrelay.webrtc.srtp.SrtpTransform;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.agrona.DirectBuffer;

/**
 * Single-threaded: the sender agent's thread only; one reused instance, so parsing allocates nothing.
 *
 * <p>What a session's viewer says in RTCP, acted on for the session being serviced ({@link #answer}): a NACK of the
 * video SSRC is answered at once from the send history (RFC 4585 §6.2.1; {@link RtpOutput#resend}); PLI and FIR
 * (RFC 4585 §6.3.1; RFC 5104 §4.3.1) are merged and honoured at most once per {@link #PICTURE_LOSS_INTERVAL_NANOS}
 * by skipping to the next keyframe (the reader's stream has one every GOP; the relay cannot ask a camera for one);
 * report blocks (RFC 3550 §6.4.1), REMB and transport-wide feedback go into the session's estimate.
 */
final class ViewerFeedback implements RtcpFeedbackHandler {

    /** PLI/FIR are answered at most this often (RFC 5104 §4.3.1.2 leaves the rate to the sender). */
    static final long PICTURE_LOSS_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final RtpOutput output;
    private final WebRtcCounters counters;
    /** Packets that did not parse, as {@link RtcpInbox#drain} counts them (and transport-wide feedback). */
    private final long[] malformed = new long[1];
    private WhepSession s;
    private SrtpTransform srtp;
    private InetSocketAddress to;
    private long now;

    ViewerFeedback(RtpOutput output, WebRtcCounters counters) {
        this.output = output;
        this.counters = counters;
    }

    /**
     * Acts on every RTCP packet queued for {@code session}, then on its merged picture-loss requests.
     *
     * @return packets and requests handled
     */
    int answer(WhepSession session, SrtpTransform transform, InetSocketAddress target, long nowNanos) {
        s = session;
        srtp = transform;
        to = target;
        now = nowNanos;
        int work = session.rtcp.drain(this, malformed);
        if (session.pendingPictureLoss > 0) {
            WebRtcCounters.add(counters.plisReceived, session.pendingPictureLoss);
            session.pendingPictureLoss = 0;
            if (now - session.lastPictureLossAnswerNanos >= PICTURE_LOSS_INTERVAL_NANOS) {
                session.lastPictureLossAnswerNanos = now;
                session.packetizer.requestKeyframe();
            }
            work++;
        }
        return work;
    }

    /** Packets that did not parse since the last call (counted once per turn into the shared counter). */
    long takeMalformed() {
        long n = malformed[0];
        malformed[0] = 0;
        return n;
    }

    @Override
    public void onNack(int mediaSsrc, int sequence) {
        if (mediaSsrc == s.videoSsrc) {
            WebRtcCounters.add(counters.nacksReceived, 1);
            output.resend(s, sequence, srtp, to, now);
        }
    }

    @Override
    public void onPictureLoss(int mediaSsrc) {
        if (mediaSsrc == s.videoSsrc) {
            s.pendingPictureLoss++;
        }
    }

    @Override
    public void onFullIntraRequest(int mediaSsrc, int commandSequence) {
        if (mediaSsrc == s.videoSsrc) {
            s.pendingPictureLoss++;
        }
    }

    @Override
    public void onReportBlock(int sourceSsrc, int fractionLost, int cumulativeLost, int highestSequence,
                              int jitter, int lastSr, int delaySinceLastSr) {
        int arrival = (int) (output.ntp(now) >>> 16);
        s.estimator.onReportBlock(sourceSsrc, fractionLost, jitter, lastSr, delaySinceLastSr, arrival, now);
    }

    @Override
    public void onRemb(long bitsPerSecond, int firstSsrc) {
        s.estimator.onRemb(bitsPerSecond, now);
    }

    @Override
    public void onTransportFeedback(DirectBuffer buffer, int fci, int fciLength) {
        if (s.transport == null) {
            return;
        }
        s.estimator.beginFeedback();
        if (TransportCcFeedback.parse(buffer, fci, fciLength, s.estimator) == TransportCcFeedback.MALFORMED) {
            malformed[0]++;
        }
        s.estimator.endFeedback(now);
    }
}
