package dev.camrelay.rtsp.depacketize;

import dev.camrelay.rtsp.rtp.RtpPacket;

/**
 * Threading: confined to the track's receive thread; allocates nothing.
 *
 * <p>The receive end of a track the relay does not carry but a publisher sends anyway (contract.md: an unknown track
 * is skipped with a log line, never fatal; GStreamer's {@code rtspclientsink} sends AAC as MP4A-LATM, for example):
 * the publisher may SETUP and RECORD it, its packets are counted and dropped.
 */
public final class DiscardingDepacketizer implements RtpDepacketizer {

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
    public long accessUnitsPublished() {
        return 0;
    }

    @Override
    public long accessUnitsDropped() {
        return 0;
    }

    @Override
    public long accessUnitsSkippedUntilKeyframe() {
        return 0;
    }

    @Override
    public long lossEvents() {
        return 0;
    }

    /** Packets received and dropped. */
    public long packetsDiscarded() {
        return discarded;
    }
}
