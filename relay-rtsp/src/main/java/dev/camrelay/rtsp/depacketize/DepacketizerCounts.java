package dev.camrelay.rtsp.depacketize;

/**
 * Threading: written by the owning depacketizer's thread only; read by the same thread (the receiver's tally
 * reads the depacketizer there), so plain fields.
 *
 * <p>What every depacketizer counts, and the one way they all detect loss: a sequence number that is not the
 * previous one plus 1 (mod 2^16; the reorder buffer before them has already put packets in order and dropped
 * duplicates, so a gap is loss).
 */
public final class DepacketizerCounts {

    private int lastSequence = -1;
    private long published;
    private long dropped;
    private long skippedUntilKeyframe;
    private long lossEvents;
    private long malformed;
    private long unsupported;
    private long tooLarge;

    /** Notes {@code sequence}; true (and a loss event counted) if packets were lost before it. */
    boolean gapBefore(int sequence) {
        boolean gap = lastSequence >= 0 && sequence != ((lastSequence + 1) & 0xFFFF);
        lastSequence = sequence;
        if (gap) {
            lossEvents++;
        }
        return gap;
    }

    /** The next packet starts afresh (SSRC change, new epoch): no gap before it. */
    void restartSequence() {
        lastSequence = -1;
    }

    void published() {
        published++;
    }

    void dropped() {
        dropped++;
    }

    void skippedUntilKeyframe() {
        skippedUntilKeyframe++;
    }

    /** Counts the fault {@code status} ({@link RtpDepacketizer#MALFORMED}, UNSUPPORTED, TOO_LARGE); returns it. */
    int fault(int status) {
        switch (status) {
            case RtpDepacketizer.MALFORMED -> malformed++;
            case RtpDepacketizer.UNSUPPORTED -> unsupported++;
            case RtpDepacketizer.TOO_LARGE -> tooLarge++;
            default -> {
            }
        }
        return status;
    }

    public long accessUnitsPublished() {
        return published;
    }

    public long accessUnitsDropped() {
        return dropped;
    }

    public long accessUnitsSkippedUntilKeyframe() {
        return skippedUntilKeyframe;
    }

    public long lossEvents() {
        return lossEvents;
    }

    public long malformed() {
        return malformed;
    }

    public long unsupported() {
        return unsupported;
    }

    public long tooLarge() {
        return tooLarge;
    }
}
