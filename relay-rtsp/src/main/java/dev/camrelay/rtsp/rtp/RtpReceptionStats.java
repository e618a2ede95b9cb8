package dev.camrelay.rtsp.rtp;

/**
 * Threading: confined to one thread (the track's receive thread).
 *
 * <p>Per-source reception statistics for receiver reports: sequence validation and the extended highest sequence
 * (RFC 3550 §A.1), packets expected and lost (§A.3) and interarrival jitter (§6.4.1, §A.8).
 */
public final class RtpReceptionStats {

    /** Largest forward jump still taken as loss rather than a restart (RFC 3550 §A.1 MAX_DROPOUT). */
    public static final int MAX_DROPOUT = 3000;
    /** Largest backward step still taken as reordering (RFC 3550 §A.1 MAX_MISORDER). */
    public static final int MAX_MISORDER = 100;
    /** In-sequence packets needed before a new source is valid (RFC 3550 §A.1 MIN_SEQUENTIAL). */
    public static final int MIN_SEQUENTIAL = 2;
    private static final int SEQ_MOD = 1 << 16;
    /** Cumulative lost is a signed 24-bit field (RFC 3550 §6.4.1). */
    private static final int MAX_CUMULATIVE_LOST = 0x7FFFFF;
    private static final int MIN_CUMULATIVE_LOST = -0x800000;

    /** {@link #onPacket} result: counted. */
    public static final int VALID = 0;
    /** {@link #onPacket} result: the source is still on probation; not counted yet. */
    public static final int PROBATION = 1;
    /** {@link #onPacket} result: a jump outside the dropout/misorder window; not counted (one more restarts). */
    public static final int BAD_SEQUENCE = -1;

    private int maxSeq;
    private long cycles;
    private long baseSeq;
    private int badSeq = SEQ_MOD + 1;
    private int probation = MIN_SEQUENTIAL;
    private boolean started;
    private long received;
    private long expectedPrior;
    private long receivedPrior;
    private long transit;
    private boolean haveTransit;
    private long jitterScaled;

    /**
     * @param seq          16-bit sequence number
     * @param rtpTimestamp the packet's 32-bit timestamp
     * @param arrival      arrival time in the same clock units as the timestamp
     */
    public int onPacket(int seq, long rtpTimestamp, long arrival) {
        if (!started) {
            started = true;
            init(seq);
            maxSeq = seq - 1;
            probation = MIN_SEQUENTIAL;
        }
        int udelta = (seq - maxSeq) & 0xFFFF;
        if (probation > 0) {
            if (seq == ((maxSeq + 1) & 0xFFFF)) {
                probation--;
                maxSeq = seq;
                if (probation == 0) {
                    init(seq);
                    received++;
                    jitter(rtpTimestamp, arrival);
                    return VALID;
                }
            } else {
                probation = MIN_SEQUENTIAL - 1;
                maxSeq = seq;
            }
            return PROBATION;
        } else if (udelta < MAX_DROPOUT) {
            if (seq < maxSeq) {
                cycles += SEQ_MOD;
            }
            maxSeq = seq;
        } else if (udelta <= SEQ_MOD - MAX_MISORDER) {
            if (seq == badSeq) {
                init(seq); // two sequential packets after a big jump: the source restarted
            } else {
                badSeq = (seq + 1) & 0xFFFF;
                return BAD_SEQUENCE;
            }
        }
        received++;
        jitter(rtpTimestamp, arrival);
        return VALID;
    }

    /** Forgets the source (SSRC change). */
    public void reset() {
        started = false;
        haveTransit = false;
        jitterScaled = 0;
        probation = MIN_SEQUENTIAL;
        init(0);
    }

    private void init(int seq) {
        baseSeq = seq;
        maxSeq = seq;
        badSeq = SEQ_MOD + 1;
        cycles = 0;
        received = 0;
        receivedPrior = 0;
        expectedPrior = 0;
    }

    private void jitter(long rtpTimestamp, long arrival) {
        long t = arrival - rtpTimestamp;
        if (haveTransit) {
            long d = Math.abs(t - transit);
            jitterScaled += d - ((jitterScaled + 8) >> 4);
        }
        transit = t;
        haveTransit = true;
    }

    public long extendedHighestSequence() {
        return cycles + maxSeq;
    }

    public long received() {
        return received;
    }

    public long expected() {
        return extendedHighestSequence() - baseSeq + 1;
    }

    /** Cumulative packets lost, clamped to the signed 24-bit report field. */
    public int cumulativeLost() {
        long lost = expected() - received;
        return (int) Math.max(MIN_CUMULATIVE_LOST, Math.min(MAX_CUMULATIVE_LOST, lost));
    }

    /** Interarrival jitter in timestamp units (RFC 3550 §A.8). */
    public long jitter() {
        return jitterScaled >> 4;
    }

    /** Fraction lost since the previous call, as the 8-bit fixed-point report field (RFC 3550 §A.3). */
    public int takeFractionLost() {
        long expected = expected();
        long expectedInterval = expected - expectedPrior;
        long receivedInterval = received - receivedPrior;
        expectedPrior = expected;
        receivedPrior = received;
        long lostInterval = expectedInterval - receivedInterval;
        if (expectedInterval == 0 || lostInterval <= 0) {
            return 0;
        }
        return (int) ((lostInterval << 8) / expectedInterval);
    }
}
