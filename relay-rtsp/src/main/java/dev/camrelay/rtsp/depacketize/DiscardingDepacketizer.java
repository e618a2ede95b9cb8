package dev.camrelay.rtsp.depacketize;

import dev.camrelay.rtsp.rtp.RtpPacket;

/**
 * Threading: confined to the track's receive thread; allocates nothing.
 *
 * <p>The receive end of a track the relay does not carry but a publisher sends anyway (contract.md: an unknown track
 * is skipped with a log line, never fatal; MP4A-LATM with its config in-band, cpresent=1, for example):
 * the publisher may SETUP and RECORD it, its packets are counted and dropped.
 */
public final class DiscardingDepacketizer implements RtpDepacketizer {

    private final DepacketizerCounts counts = new DepacketizerCounts();
    private long discarded;

    @Override
    public int onPacket(RtpPacket packet) {
        discarded++;
        return OK;
    }

    @Override
    public int flush() {
        return OK;
    }

    @Override
    public void reset() {
    }

    @Override
    public DepacketizerCounts counts() {
        return counts;
    }

    /** Packets received and dropped. */
    public long packetsDiscarded() {
        return discarded;
    }
}
