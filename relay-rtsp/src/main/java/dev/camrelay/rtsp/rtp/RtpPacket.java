package dev.camrelay.rtsp.rtp;

import static dev.camrelay.rtsp.rtp.RtpDescriptor.CSRC_COUNT_MASK;
import static dev.camrelay.rtsp.rtp.RtpDescriptor.CSRC_LENGTH;
import static dev.camrelay.rtsp.rtp.RtpDescriptor.EXTENSION_BIT;
import static dev.camrelay.rtsp.rtp.RtpDescriptor.EXTENSION_HEADER_LENGTH;
import static dev.camrelay.rtsp.rtp.RtpDescriptor.FIXED_HEADER_LENGTH;
import static dev.camrelay.rtsp.rtp.RtpDescriptor.FLAGS_OFFSET;
import static dev.camrelay.rtsp.rtp.RtpDescriptor.MARKER_BIT;
import static dev.camrelay.rtsp.rtp.RtpDescriptor.MARKER_PT_OFFSET;
import static dev.camrelay.rtsp.rtp.RtpDescriptor.PADDING_BIT;
import static dev.camrelay.rtsp.rtp.RtpDescriptor.PAYLOAD_TYPE_MASK;
import static dev.camrelay.rtsp.rtp.RtpDescriptor.SEQUENCE_OFFSET;
import static dev.camrelay.rtsp.rtp.RtpDescriptor.SSRC_OFFSET;
import static dev.camrelay.rtsp.rtp.RtpDescriptor.TIMESTAMP_OFFSET;
import static dev.camrelay.rtsp.rtp.RtpDescriptor.VERSION;
import static dev.camrelay.rtsp.rtp.RtpDescriptor.VERSION_SHIFT;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;

/**
 * Threading: confined to one thread; the wrapped bytes must not change while in use.
 *
 * <p>Flyweight over one RTP packet (RFC 3550 §5.1, layout in {@link RtpDescriptor}): {@link #wrap} validates the
 * header and locates the payload; the getters read straight from the wrapped buffer. Reused for every packet.
 */
public final class RtpPacket {

    /** {@link #wrap} result: a valid packet; the payload may be empty. */
    public static final int OK = 0;
    /** Shorter than the fixed header plus CSRCs and extension. */
    public static final int TOO_SHORT = -1;
    /** Version field is not 2 (RFC 3550 §5.1; also catches RTCP-on-the-RTP-channel mixups partly). */
    public static final int BAD_VERSION = -2;
    /** Padding count is zero or longer than the packet after the header (RFC 3550 §5.1 P bit). */
    public static final int BAD_PADDING = -3;

    private DirectBuffer buffer;
    private int offset;
    private int length;
    private int payloadOffset;
    private int payloadLength;

    /** Wraps and validates; on a non-{@link #OK} result the flyweight must not be read. */
    public int wrap(DirectBuffer buffer, int offset, int length) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        if (length < FIXED_HEADER_LENGTH) {
            return TOO_SHORT;
        }
        int flags = buffer.getByte(offset + FLAGS_OFFSET) & 0xFF;
        if ((flags >>> VERSION_SHIFT) != VERSION) {
            return BAD_VERSION;
        }
        int headerLength = FIXED_HEADER_LENGTH + (flags & CSRC_COUNT_MASK) * CSRC_LENGTH;
        if ((flags & EXTENSION_BIT) != 0) {
            if (length < headerLength + EXTENSION_HEADER_LENGTH) {
                return TOO_SHORT;
            }
            int words = buffer.getShort(offset + headerLength + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            headerLength += EXTENSION_HEADER_LENGTH + words * 4;
        }
        if (length < headerLength) {
            return TOO_SHORT;
        }
        int end = length;
        if ((flags & PADDING_BIT) != 0) {
            int padding = buffer.getByte(offset + length - 1) & 0xFF;
            if (padding == 0 || padding > length - headerLength) {
                return BAD_PADDING;
            }
            end -= padding;
        }
        payloadOffset = offset + headerLength;
        payloadLength = end - headerLength;
        return OK;
    }

    public DirectBuffer buffer() {
        return buffer;
    }

    public int offset() {
        return offset;
    }

    public int length() {
        return length;
    }

    public boolean marker() {
        return (buffer.getByte(offset + MARKER_PT_OFFSET) & MARKER_BIT) != 0;
    }

    public int payloadType() {
        return buffer.getByte(offset + MARKER_PT_OFFSET) & PAYLOAD_TYPE_MASK;
    }

    /** Sequence number, 0..65535. */
    public int sequence() {
        return buffer.getShort(offset + SEQUENCE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /** Timestamp as an unsigned 32-bit value. */
    public long timestamp() {
        return buffer.getInt(offset + TIMESTAMP_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL;
    }

    public int ssrc() {
        return buffer.getInt(offset + SSRC_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    public int csrcCount() {
        return buffer.getByte(offset + FLAGS_OFFSET) & CSRC_COUNT_MASK;
    }

    /** Absolute index of the payload in {@link #buffer()}. */
    public int payloadOffset() {
        return payloadOffset;
    }

    /** Payload length with padding removed. */
    public int payloadLength() {
        return payloadLength;
    }
}
