package dev.camrelay.rtsp.rtp;

import static dev.camrelay.rtsp.rtp.RtcpDescriptor.BLOCK_DLSR_OFFSET;
import static dev.camrelay.rtsp.rtp.RtcpDescriptor.BLOCK_HIGHEST_SEQ_OFFSET;
import static dev.camrelay.rtsp.rtp.RtcpDescriptor.BLOCK_JITTER_OFFSET;
import static dev.camrelay.rtsp.rtp.RtcpDescriptor.BLOCK_LOST_OFFSET;
import static dev.camrelay.rtsp.rtp.RtcpDescriptor.BLOCK_LSR_OFFSET;
import static dev.camrelay.rtsp.rtp.RtcpDescriptor.BLOCK_SSRC_OFFSET;
import static dev.camrelay.rtsp.rtp.RtcpDescriptor.LENGTH_OFFSET;
import static dev.camrelay.rtsp.rtp.RtcpDescriptor.PT_OFFSET;
import static dev.camrelay.rtsp.rtp.RtcpDescriptor.PT_RECEIVER_REPORT;
import static dev.camrelay.rtsp.rtp.RtcpDescriptor.REPORT_BLOCK_LENGTH;
import static dev.camrelay.rtsp.rtp.RtcpDescriptor.RR_HEADER_LENGTH;
import static dev.camrelay.rtsp.rtp.RtcpDescriptor.SSRC_OFFSET;

import java.nio.ByteOrder;
import org.agrona.MutableDirectBuffer;

/**
 * Threading: stateless; call from the track's receive thread, which owns the statistics it reads.
 *
 * <p>Writes a receiver report with one report block (RFC 3550 §6.4.2) for one source. Cameras need RRs at least
 * every 5 s on UDP (protocols.md 1.6).
 */
public final class RtcpReceiverReportWriter {

    /** Bytes written by {@link #write}. */
    public static final int LENGTH = RR_HEADER_LENGTH + REPORT_BLOCK_LENGTH;

    private RtcpReceiverReportWriter() {
    }

    /**
     * @return bytes written ({@link #LENGTH}); takes the fraction lost since the previous report from
     *         {@code stats}
     */
    public static int write(MutableDirectBuffer buffer, int offset, int receiverSsrc, int sourceSsrc,
                            RtpReceptionStats stats, RtpClockMapping clock, long nowNanos) {
        buffer.putByte(offset, (byte) ((RtpDescriptor.VERSION << 6) | 1));
        buffer.putByte(offset + PT_OFFSET, (byte) PT_RECEIVER_REPORT);
        buffer.putShort(offset + LENGTH_OFFSET, (short) (LENGTH / 4 - 1), ByteOrder.BIG_ENDIAN);
        buffer.putInt(offset + SSRC_OFFSET, receiverSsrc, ByteOrder.BIG_ENDIAN);
        int block = offset + RR_HEADER_LENGTH;
        buffer.putInt(block + BLOCK_SSRC_OFFSET, sourceSsrc, ByteOrder.BIG_ENDIAN);
        int fraction = stats.takeFractionLost();
        int lost = stats.cumulativeLost() & 0xFFFFFF;
        buffer.putInt(block + BLOCK_LOST_OFFSET, (fraction << 24) | lost, ByteOrder.BIG_ENDIAN);
        buffer.putInt(block + BLOCK_HIGHEST_SEQ_OFFSET, (int) stats.extendedHighestSequence(), ByteOrder.BIG_ENDIAN);
        buffer.putInt(block + BLOCK_JITTER_OFFSET, (int) stats.jitter(), ByteOrder.BIG_ENDIAN);
        buffer.putInt(block + BLOCK_LSR_OFFSET, (int) clock.lastSrMiddle32(), ByteOrder.BIG_ENDIAN);
        buffer.putInt(block + BLOCK_DLSR_OFFSET, (int) clock.delaySinceLastSr(nowNanos), ByteOrder.BIG_ENDIAN);
        return LENGTH;
    }
}
