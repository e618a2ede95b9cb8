package dev.camrelay.rtsp.receive;

import dev.camrelay.rtsp.depacketize.RtpDepacketizer;
import dev.camrelay.rtsp.rtp.RtcpReceiverReportWriter;
import dev.camrelay.rtsp.rtp.RtcpSenderReport;
import dev.camrelay.rtsp.rtp.RtpClockMapping;
import dev.camrelay.rtsp.rtp.RtpPacket;
import dev.camrelay.rtsp.rtp.RtpPacketHandler;
import dev.camrelay.rtsp.rtp.RtpReceptionStats;
import dev.camrelay.rtsp.rtp.RtpReorderBuffer;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Threading: confined to one thread, the event loop that reads the track's RTP and RTCP. Allocates nothing per
 * packet.
 *
 * <p>Receives one track: RTP through an optional reorder buffer (UDP; TCP-interleaved arrives in order) into
 * reception statistics and the track's depacketizer; RTCP sender reports into the NTP/RTP clock mapping; receiver
 * reports out (RFC 3550 §6.4). The first valid packet locks the SSRC; a new SSRC (camera restart) resets the
 * depacketizer, the statistics and the reorder buffer, and is counted (protocols.md 3.5).
 */
public final class RtpTrackReceiver {

    /** Longest a packet is held waiting for an earlier one before the hole is given up (jitter allowance). */
    public static final long DEFAULT_MAX_HOLD_NANOS = 200_000_000L;

    /** {@link #onRtp} result: not a valid RTP packet (RFC 3550 §5.1); counted. */
    public static final int INVALID = -10;
    /** {@link #onRtp} result: duplicate or too late for the reorder window; counted by the reorder buffer. */
    public static final int DISCARDED = -11;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final int clockRate;
    private final RtpDepacketizer depacketizer;
    private final RtpReorderBuffer reorder;
    private final RtpReceptionStats stats = new RtpReceptionStats();
    private final RtpClockMapping clock;
    private final RtpPacket packet = new RtpPacket();
    private final RtcpSenderReport senderReport = new RtcpSenderReport();
    private final RtpPacketHandler deliver = this::deliver;
    private final long maxHoldNanos;

    private boolean locked;
    private int ssrc;
    private long nowNanos;
    private int lastStatus;
    private long invalid;
    private long ssrcChanges;
    private long senderReports;

    /**
     * @param reorder true for UDP (a {@link RtpReorderBuffer} of the default size), false for TCP-interleaved
     */
    public RtpTrackReceiver(int clockRate, RtpDepacketizer depacketizer, boolean reorder) {
        this(clockRate, depacketizer, reorder ? new RtpReorderBuffer() : null, DEFAULT_MAX_HOLD_NANOS);
    }

    public RtpTrackReceiver(int clockRate, RtpDepacketizer depacketizer, RtpReorderBuffer reorder,
                            long maxHoldNanos) {
        this.clockRate = clockRate;
        this.depacketizer = depacketizer;
        this.reorder = reorder;
        this.clock = new RtpClockMapping(clockRate);
        this.maxHoldNanos = maxHoldNanos;
    }

    /**
     * One received RTP packet.
     *
     * @param nowNanos arrival time on a monotonic clock
     * @return the depacketizer status of the last packet delivered ({@link RtpDepacketizer#OK} when it was
     *         held for reordering), {@link #INVALID} or {@link #DISCARDED}
     */
    public int onRtp(DirectBuffer buffer, int offset, int length, long nowNanos) {
        if (packet.wrap(buffer, offset, length) != RtpPacket.OK) {
            invalid++;
            return INVALID;
        }
        this.nowNanos = nowNanos;
        int packetSsrc = packet.ssrc();
        if (!locked) {
            locked = true;
            ssrc = packetSsrc;
        } else if (packetSsrc != ssrc) {
            ssrcChanges++;
            ssrc = packetSsrc;
            depacketizer.flush();
            depacketizer.reset();
            resetReception();
        }
        lastStatus = RtpDepacketizer.OK;
        if (reorder == null) {
            deliver(packet);
            return lastStatus;
        }
        int r = reorder.offer(buffer, offset, length, nowNanos, deliver);
        if (r == RtpReorderBuffer.DUPLICATE || r == RtpReorderBuffer.LATE) {
            return DISCARDED;
        }
        return r == RtpReorderBuffer.INVALID ? INVALID : lastStatus;
    }

    private void resetReception() {
        // A fresh window and statistics for the new source: the old ones would misreport loss.
        stats.reset();
        if (reorder != null) {
            reorder.reset();
        }
    }

    private void deliver(RtpPacket p) {
        long arrivalTicks = nowNanos / NANOS_PER_SECOND * clockRate + (nowNanos % NANOS_PER_SECOND) * clockRate
                / NANOS_PER_SECOND;
        stats.onPacket(p.sequence(), p.timestamp(), arrivalTicks);
        lastStatus = depacketizer.onPacket(p);
    }

    /** Gives up holes that waited too long; call from a timer on the same thread. */
    public int poll(long nowNanos) {
        this.nowNanos = nowNanos;
        return reorder == null ? 0 : reorder.releaseExpired(nowNanos, maxHoldNanos, deliver);
    }

    /**
     * One received RTCP compound packet.
     *
     * @return {@link RtcpSenderReport#FOUND} when it carried this source's SR, else the parse result
     */
    public int onRtcp(DirectBuffer buffer, int offset, int length, long nowNanos) {
        int r = senderReport.wrapCompound(buffer, offset, length);
        if (r == RtcpSenderReport.FOUND && (!locked || senderReport.ssrc() == ssrc)) {
            clock.onSenderReport(senderReport.ntpTimestamp(), senderReport.rtpTimestamp(), nowNanos);
            senderReports++;
        }
        return r;
    }

    /** Writes a receiver report for the locked source; returns its length, or 0 before the first packet. */
    public int writeReceiverReport(MutableDirectBuffer out, int offset, int receiverSsrc, long nowNanos) {
        if (!locked) {
            return 0;
        }
        return RtcpReceiverReportWriter.write(out, offset, receiverSsrc, ssrc, stats, clock, nowNanos);
    }

    public RtpClockMapping clock() {
        return clock;
    }

    public RtpReceptionStats stats() {
        return stats;
    }

    public RtpDepacketizer depacketizer() {
        return depacketizer;
    }

    public long invalidPackets() {
        return invalid;
    }

    public long ssrcChanges() {
        return ssrcChanges;
    }

    public long senderReports() {
        return senderReports;
    }

    /** Packets the reorder buffer gave up on, 0 without one. */
    public long packetsLost() {
        return reorder == null ? 0 : reorder.packetsLost();
    }
}
