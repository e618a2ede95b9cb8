package dev.camrelay.rtsp.receive;

import java.util.List;

/**
 * Threading: confined to the event loop that owns the receivers.
 *
 * <p>A session's periodic housekeeping of its tracks: gives up reorder-buffer holes that waited too long
 * ({@link RtpTrackReceiver#poll}) and reports what was lost or invalid since the previous tick to the
 * {@link ReceiveCounters}, so the counters are touched once per tick, not per packet.
 */
public final class TrackTally {

    /** How often a session ticks: the reorder buffers' hold time is 200 ms, so 20 ms keeps the added delay small. */
    public static final long TICK_MILLIS = 20;

    private final ReceiveCounters counters;
    private long lostReported;
    private long invalidReported;

    public TrackTally(ReceiveCounters counters) {
        this.counters = counters;
    }

    /** Polls every receiver and reports new loss and invalid packets. */
    public void tick(List<RtpTrackReceiver> receivers, long nowNanos) {
        long lost = 0;
        long invalid = 0;
        for (int i = 0; i < receivers.size(); i++) {
            RtpTrackReceiver r = receivers.get(i);
            r.poll(nowNanos);
            lost += Math.max(0, r.packetsLost());
            invalid += r.invalidPackets();
        }
        if (lost > lostReported) {
            counters.rtpPacketsLost(lost - lostReported);
            lostReported = lost;
        }
        if (invalid > invalidReported) {
            counters.rtpInvalid(invalid - invalidReported);
            invalidReported = invalid;
        }
    }

    /** Loss reported so far. */
    public long lost() {
        return lostReported;
    }

    /** Invalid packets reported so far. */
    public long invalid() {
        return invalidReported;
    }
}
