package dev.camrelay.webrtc.cc;

import java.util.concurrent.TimeUnit;

/**
 * Feedback methods and {@link #onPacket} run on the one thread that owns the session's sending (it owns the
 * {@link TransportSequenceHistory} too); the getters may be called from any thread (API, metrics): each published
 * value is a volatile field written once per feedback.
 *
 * <p>One estimate per WebRTC session of what the path to the viewer carries, from everything the viewer reports:
 * <ul>
 *   <li><b>RTT</b> from receiver report blocks (RFC 3550 §6.4.1: {@code A - LSR - DLSR}, A being the arrival time as
 *       the middle 32 bits of an NTP timestamp), smoothed with gain 1/8 like TCP's SRTT (RFC 6298 §2);</li>
 *   <li><b>loss</b>: the share of packets transport-wide feedback reports missing, or, without transport-cc, the
 *       report blocks' fraction lost; <b>jitter</b> from the report blocks;</li>
 *   <li><b>receive rate</b>: bytes the viewer acknowledged in transport-wide feedback over their arrival span
 *       (windows of at least {@link #RATE_WINDOW_MICROS}); <b>queuing delay</b>: one-way delay (arrival minus send
 *       time, arbitrary offset) above its minimum;</li>
 *   <li><b>bandwidth</b>: starting at the first receive rate, a loss-based controller after GCC
 *       (draft-ietf-rmcat-gcc-02 §6; the rules protocols.md 8.3 takes from JVB): below 2 % loss +8 %/s; 2-10 %
 *       hold; above 10 % times (1 - loss/2), at most once per 300 ms + RTT; always at most 1.5x the receive rate
 *       (§5.5); queuing delay above {@link #OVERUSE_DELAY_MICROS} and growing (delay-based overuse) caps it at
 *       0.85x the receive rate; REMB (draft-alvestrand-rmcat-remb-03) is an upper
 *       bound. 0 means unknown: no transport-wide feedback and no REMB yet.</li>
 * </ul>
 * Nothing here allocates.
 */
public final class SessionEstimator implements TransportCcFeedback.PacketHandler {

    public static final long RATE_WINDOW_MICROS = 500_000;
    /** Loss below this grows the estimate, above {@link #HIGH_LOSS} shrinks it (draft-ietf-rmcat-gcc-02 §6). */
    public static final double LOW_LOSS = 0.02;
    public static final double HIGH_LOSS = 0.10;
    public static final double GROWTH_PER_SECOND = 0.08;
    public static final double RECEIVE_RATE_HEADROOM = 1.5;
    public static final double OVERUSE_BACKOFF = 0.85;
    public static final long OVERUSE_DELAY_MICROS = 50_000;
    public static final long DECREASE_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(300);
    public static final long MIN_BITRATE = 30_000;
    /** Report-block RTTs above this are taken as bogus (a stale LSR). */
    public static final long MAX_RTT_MICROS = 10_000_000;

    private final int[] ownSsrcs;
    private final int videoClockRate;
    private final TransportSequenceHistory sent;

    // Owner thread: the feedback being walked and the controller's state.
    private int feedbackPackets;
    private int feedbackLost;
    private long windowStartMicros = Long.MIN_VALUE;
    private long windowEndMicros;
    private long windowBytes;
    private long minDelayMicros = Long.MAX_VALUE;
    private long lastQueueDelayMicros;
    private long lastUpdateNanos;
    private long lastDecreaseNanos = Long.MIN_VALUE / 2;
    private double smoothedRttMicros = -1;

    // Published.
    private volatile long rttMicros;
    private volatile double lossFraction;
    private volatile double jitterMillis;
    private volatile long receiveRate;
    private volatile long queueDelayMicros;
    private volatile long remb;
    private volatile long bandwidth;
    private volatile long reportBlocks;
    private volatile long transportFeedbacks;

    /**
     * @param ownSsrcs       the relay's SSRCs of this session (report blocks about others are ignored)
     * @param videoClockRate RTP clock of the first SSRC, for jitter in milliseconds
     * @param sent           the session's transport-wide send record, or null without transport-cc
     */
    public SessionEstimator(int[] ownSsrcs, int videoClockRate, TransportSequenceHistory sent) {
        this.ownSsrcs = ownSsrcs.clone();
        this.videoClockRate = videoClockRate;
        this.sent = sent;
    }

    /**
     * A report block (RFC 3550 §6.4.1).
     *
     * @param arrivalNtpMiddle the arrival time as the middle 32 bits of an NTP timestamp (the relay's wall clock)
     */
    public void onReportBlock(int sourceSsrc, int fractionLost, int jitter, int lastSr, int delaySinceLastSr,
                              int arrivalNtpMiddle, long nowNanos) {
        if (!own(sourceSsrc)) {
            return;
        }
        reportBlocks = reportBlocks + 1;
        if (sourceSsrc == ownSsrcs[0]) {
            jitterMillis = (jitter & 0xFFFF_FFFFL) * 1000.0 / videoClockRate;
        }
        if (lastSr != 0) {
            long rtt = ((arrivalNtpMiddle - lastSr - delaySinceLastSr) & 0xFFFF_FFFFL) * 1_000_000L >>> 16;
            if (rtt < MAX_RTT_MICROS) {
                smoothedRttMicros = smoothedRttMicros < 0 ? rtt : smoothedRttMicros + (rtt - smoothedRttMicros) / 8;
                rttMicros = Math.max(1, Math.round(smoothedRttMicros));
            }
        }
        if (sent == null && sourceSsrc == ownSsrcs[0]) {
            // Without transport-wide feedback the report blocks are the loss signal (once a second or so).
            double loss = fractionLost / 256.0;
            lossFraction = loss;
            if (bandwidth > 0) {
                control(loss, nowNanos);
            }
        }
    }

    /** A REMB: an upper bound on the estimate. */
    public void onRemb(long bitsPerSecond, long nowNanos) {
        remb = bitsPerSecond;
        long current = bandwidth;
        bandwidth = current == 0 ? bitsPerSecond : Math.min(current, bitsPerSecond);
        if (lastUpdateNanos == 0) {
            lastUpdateNanos = nowNanos;
        }
    }

    /** Starts one transport-wide feedback message; {@link #onPacket} follows per packet, then {@link #endFeedback}. */
    public void beginFeedback() {
        feedbackPackets = 0;
        feedbackLost = 0;
    }

    @Override
    public void onPacket(int sequence, boolean received, long arrivalMicros) {
        if (sent == null || !sent.contains(sequence)) {
            return; // not ours, or forgotten: ignore rather than guess
        }
        feedbackPackets++;
        if (!received) {
            feedbackLost++;
            return;
        }
        long oneWay = arrivalMicros - sent.sentNanos(sequence) / 1000;
        if (oneWay < minDelayMicros) {
            minDelayMicros = oneWay;
        }
        queueDelayMicros = oneWay - minDelayMicros;
        if (windowStartMicros == Long.MIN_VALUE || arrivalMicros < windowStartMicros) {
            windowStartMicros = arrivalMicros;
            windowBytes = 0;
        }
        windowBytes += sent.size(sequence);
        windowEndMicros = Math.max(windowEndMicros, arrivalMicros);
    }

    /** Ends a transport-wide feedback message: updates loss, receive rate and the bandwidth estimate. */
    public void endFeedback(long nowNanos) {
        if (feedbackPackets == 0) {
            return;
        }
        transportFeedbacks = transportFeedbacks + 1;
        double loss = (double) feedbackLost / feedbackPackets;
        double smoothed = lossFraction + (loss - lossFraction) / 4;
        lossFraction = smoothed;
        long span = windowEndMicros - windowStartMicros;
        if (windowStartMicros != Long.MIN_VALUE && span >= RATE_WINDOW_MICROS) {
            long rate = windowBytes * 8 * 1_000_000 / span;
            long previous = receiveRate;
            receiveRate = previous == 0 ? rate : (previous + rate) / 2;
            windowStartMicros = windowEndMicros;
            windowBytes = 0;
        }
        if (receiveRate == 0) {
            return;
        }
        if (bandwidth == 0) {
            bandwidth = capped(receiveRate);
            lastUpdateNanos = nowNanos;
        }
        control(smoothed, nowNanos);
        long queue = queueDelayMicros;
        if (queue > OVERUSE_DELAY_MICROS && queue > lastQueueDelayMicros) {
            bandwidth = capped(Math.min(bandwidth, Math.round(receiveRate * OVERUSE_BACKOFF)));
        }
        lastQueueDelayMicros = queue;
    }

    /** The loss-based rules of draft-ietf-rmcat-gcc-02 §6. */
    private void control(double loss, long nowNanos) {
        long current = bandwidth;
        double seconds = Math.min(1.0, (nowNanos - lastUpdateNanos) / 1e9);
        lastUpdateNanos = nowNanos;
        long next = current;
        if (loss < LOW_LOSS) {
            next = Math.round(current * (1 + GROWTH_PER_SECOND * seconds));
        } else if (loss > HIGH_LOSS) {
            long interval = DECREASE_INTERVAL_NANOS + rttMicros * 1000;
            if (nowNanos - lastDecreaseNanos >= interval) {
                next = Math.round(current * (1 - 0.5 * loss));
                lastDecreaseNanos = nowNanos;
            }
        }
        long rate = receiveRate;
        if (rate > 0) {
            // Never more than 1.5x what the viewer is shown to receive (draft-ietf-rmcat-gcc-02 §5.5): a start-up
            // burst or an idle sender proves nothing beyond that.
            next = Math.min(next, Math.round(rate * RECEIVE_RATE_HEADROOM));
        }
        bandwidth = capped(next);
    }

    private long capped(long value) {
        long bound = remb;
        long v = bound > 0 ? Math.min(value, bound) : value;
        return Math.max(MIN_BITRATE, v);
    }

    private boolean own(int ssrc) {
        for (int s : ownSsrcs) {
            if (s == ssrc) {
                return true;
            }
        }
        return false;
    }

    /** Smoothed round-trip time in microseconds, 0 until a report block with an LSR arrived. */
    public long rttMicros() {
        return rttMicros;
    }

    /** Packets lost on the way to the viewer, 0..1 (smoothed). */
    public double lossFraction() {
        return lossFraction;
    }

    public double jitterMillis() {
        return jitterMillis;
    }

    /** Bits per second the viewer acknowledged receiving (transport-wide feedback), 0 when unknown. */
    public long receiveRate() {
        return receiveRate;
    }

    public long queueDelayMicros() {
        return queueDelayMicros;
    }

    /** The latest REMB, 0 when none. */
    public long remb() {
        return remb;
    }

    /** The estimate of the bits per second the path carries now, 0 when unknown. */
    public long bandwidth() {
        return bandwidth;
    }

    public long reportBlocks() {
        return reportBlocks;
    }

    public long transportFeedbacks() {
        return transportFeedbacks;
    }
}
