package dev.camrelay.rtsp.depacketize;

import dev.camrelay.rtsp.rtp.RtpPacket;

/**
 * Threading: implementations are confined to one thread (the track's receive thread) and allocate nothing per
 * packet in steady state.
 *
 * <p>Turns one track's RTP packets, in sequence order, into whole access units for an {@link AccessUnitSink}. A
 * sequence gap is loss: an access unit that may miss a packet is never published as if whole. Expected conditions
 * (loss, malformed or unsupported payloads, oversize units) are status codes and counters, never exceptions.
 */
public interface RtpDepacketizer {

    /** {@link #onPacket} result: consumed; the access unit is not finished yet. */
    int OK = 0;
    /** {@link #onPacket} result: at least one access unit was published. */
    int PUBLISHED = 1;
    /** {@link #onPacket} result: an access unit was dropped (incomplete, or waiting for a keyframe); counted. */
    int DROPPED = -1;
    /** {@link #onPacket} result: the payload breaks its RFC's format; its access unit is dropped; counted. */
    int MALFORMED = -2;
    /** {@link #onPacket} result: a valid but unsupported packetization (e.g. STAP-B, MTAP, PACI); counted. */
    int UNSUPPORTED = -3;
    /** {@link #onPacket} result: the access unit exceeds the size or NAL count limit; dropped; counted. */
    int TOO_LARGE = -4;

    int onPacket(RtpPacket packet);

    /** Finishes the pending access unit (end of stream): publishes it if whole. */
    int flush();

    /** Forgets all state (SSRC change, new epoch); the next video access unit published is a keyframe. */
    void reset();

    /** What this depacketizer counted (read on its own thread). */
    DepacketizerCounts counts();

    default long accessUnitsPublished() {
        return counts().accessUnitsPublished();
    }

    /** Access units dropped because a packet was missing or they were malformed or too large. */
    default long accessUnitsDropped() {
        return counts().accessUnitsDropped();
    }

    /** Whole access units dropped while waiting for a keyframe after loss (video only). */
    default long accessUnitsSkippedUntilKeyframe() {
        return counts().accessUnitsSkippedUntilKeyframe();
    }

    /** Sequence gaps seen. */
    default long lossEvents() {
        return counts().lossEvents();
    }
}
