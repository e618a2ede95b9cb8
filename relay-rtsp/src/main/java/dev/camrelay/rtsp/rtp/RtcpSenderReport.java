package dev.camrelay.rtsp.rtp;

import static dev.camrelay.rtsp.rtp.RtcpDescriptor.HEADER_LENGTH;
import static dev.camrelay.rtsp.rtp.RtcpDescriptor.LENGTH_OFFSET;
import static dev.camrelay.rtsp.rtp.RtcpDescriptor.PT_OFFSET;
import static dev.camrelay.rtsp.rtp.RtcpDescriptor.PT_SENDER_REPORT;
import static dev.camrelay.rtsp.rtp.RtcpDescriptor.SR_MIN_LENGTH;
import static dev.camrelay.rtsp.rtp.RtcpDescriptor.SR_NTP_OFFSET;
import static dev.camrelay.rtsp.rtp.RtcpDescriptor.SR_OCTET_COUNT_OFFSET;
import static dev.camrelay.rtsp.rtp.RtcpDescriptor.SR_PACKET_COUNT_OFFSET;
import static dev.camrelay.rtsp.rtp.RtcpDescriptor.SR_RTP_TIMESTAMP_OFFSET;
import static dev.camrelay.rtsp.rtp.RtcpDescriptor.SSRC_OFFSET;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;

/**
 * Threading: confined to one thread; the wrapped bytes must not change while in use.
 *
 * <p>Flyweight that finds the sender report in a compound RTCP packet (RFC 3550 §6.1, §6.4.1) and reads it.
 */
public final class RtcpSenderReport {

    /** {@link #wrapCompound} result: an SR was found; the getters read it. */
    public static final int FOUND = 0;
    /** {@link #wrapCompound} result: a well-formed compound packet without an SR. */
    public static final int NO_SENDER_REPORT = -1;
    /** {@link #wrapCompound} result: a header with the wrong version or a length past the end. */
    public static final int MALFORMED = -2;

    private DirectBuffer buffer;
    private int offset;

    public int wrapCompound(DirectBuffer buffer, int offset, int length) {
        this.buffer = buffer;
        int pos = offset;
        int end = offset + length;
        while (pos + HEADER_LENGTH <= end) {
            if (((buffer.getByte(pos) & 0xFF) >>> 6) != RtpDescriptor.VERSION) {
                return MALFORMED;
            }
            int packetLength = ((buffer.getShort(pos + LENGTH_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF) + 1) * 4;
            if (pos + packetLength > end) {
                return MALFORMED;
            }
            int pt = buffer.getByte(pos + PT_OFFSET) & 0xFF;
            if (pt == PT_SENDER_REPORT && packetLength >= SR_MIN_LENGTH) {
                this.offset = pos;
                return FOUND;
            }
            pos += packetLength;
        }
        return pos == end ? NO_SENDER_REPORT : MALFORMED;
    }

    public int ssrc() {
        return buffer.getInt(offset + SSRC_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    /** 64-bit NTP timestamp: seconds since 1900 in the high word, binary fraction in the low word. */
    public long ntpTimestamp() {
        return buffer.getLong(offset + SR_NTP_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    public long rtpTimestamp() {
        return buffer.getInt(offset + SR_RTP_TIMESTAMP_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL;
    }

    public long packetCount() {
        return buffer.getInt(offset + SR_PACKET_COUNT_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL;
    }

    public long octetCount() {
        return buffer.getInt(offset + SR_OCTET_COUNT_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL;
    }
}
