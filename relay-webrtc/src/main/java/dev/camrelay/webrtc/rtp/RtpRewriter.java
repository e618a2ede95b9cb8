package dev.camrelay.webrtc.rtp;

import static dev.camrelay.webrtc.rtp.RtpDescriptor.HEADER_LENGTH;
import static dev.camrelay.webrtc.rtp.RtpDescriptor.MARKER_BIT;
import static dev.camrelay.webrtc.rtp.RtpDescriptor.MARKER_PT_OFFSET;
import static dev.camrelay.webrtc.rtp.RtpDescriptor.SEQUENCE_OFFSET;
import static dev.camrelay.webrtc.rtp.RtpDescriptor.SSRC_OFFSET;
import static dev.camrelay.webrtc.rtp.RtpDescriptor.TIMESTAMP_OFFSET;
import static dev.camrelay.webrtc.rtp.RtpDescriptor.VERSION_BITS;
import static java.nio.ByteOrder.BIG_ENDIAN;

import org.agrona.MutableDirectBuffer;

/**
 * In-place rewrites of a plain RTP packet (12-byte header, no CSRC, no extension, as the relay's packetizers write
 * them) on its way out: the transport-wide sequence number header extension, and RTX retransmission packets. The
 * packet is written {@link #HEADROOM} bytes into the buffer, so both fit in front of it without moving the payload.
 * Stateless; allocates nothing.
 *
 * <pre>
 * transport-cc (draft-holmer-rmcat-transport-wide-cc-extensions-01 §2, one-byte form RFC 8285 §4.2), 8 bytes:
 *   | 0xBE | 0xDE | length = 1 (words) | ID:4 | L=1 | sequence number:16 | 0 (padding) |
 * RTX (RFC 4588 §4): header with the RTX SSRC, payload type and own sequence number, [extension],
 *   then the original sequence number (OSN, 16 bits), then the original payload
 * </pre>
 */
public final class RtpRewriter {

    public static final int TRANSPORT_CC_EXTENSION_LENGTH = 8;
    public static final int OSN_LENGTH = 2;
    /** Where callers put the plain packet: room for the extension and the OSN before its payload. */
    public static final int HEADROOM = TRANSPORT_CC_EXTENSION_LENGTH + OSN_LENGTH;
    /** RFC 8285 §4.2: the one-byte header form's "defined by profile" value. */
    public static final int ONE_BYTE_PROFILE = 0xBEDE;
    public static final int EXTENSION_BIT = 0x10;
    /** One-byte form ids 1-14 (RFC 8285 §4.2: 0 is padding, 15 reserved). */
    public static final int MAX_ONE_BYTE_ID = 14;

    private RtpRewriter() {
    }

    /**
     * Adds the transport-wide sequence number to the plain packet at {@link #HEADROOM}.
     *
     * @return where the packet now starts; it is {@link #TRANSPORT_CC_EXTENSION_LENGTH} bytes longer
     */
    public static int addTransportSequence(MutableDirectBuffer buffer, int extensionId, int transportSequence) {
        int from = HEADROOM;
        int to = from - TRANSPORT_CC_EXTENSION_LENGTH;
        int word0 = buffer.getInt(from, BIG_ENDIAN);
        int timestamp = buffer.getInt(from + TIMESTAMP_OFFSET, BIG_ENDIAN);
        int ssrc = buffer.getInt(from + SSRC_OFFSET, BIG_ENDIAN);
        buffer.putInt(to, word0 | (EXTENSION_BIT << 24), BIG_ENDIAN);
        buffer.putInt(to + TIMESTAMP_OFFSET, timestamp, BIG_ENDIAN);
        buffer.putInt(to + SSRC_OFFSET, ssrc, BIG_ENDIAN);
        writeExtension(buffer, to + HEADER_LENGTH, extensionId, transportSequence);
        return to;
    }

    /**
     * Turns the plain packet at {@link #HEADROOM} of {@code length} bytes into its RTX retransmission (RFC 4588 §4).
     *
     * @param extensionId       transport-cc extension id, or 0 for none
     * @param transportSequence the RTX packet's own transport-wide number (ignored without an id)
     * @return where the RTX packet starts; its length is {@link #rtxLength}
     */
    public static int toRtx(MutableDirectBuffer buffer, int length, int rtxSsrc, int rtxPayloadType, int rtxSequence,
                            int extensionId, int transportSequence) {
        int from = HEADROOM;
        int originalSequence = buffer.getShort(from + SEQUENCE_OFFSET, BIG_ENDIAN) & 0xFFFF;
        int marker = buffer.getByte(from + MARKER_PT_OFFSET) & MARKER_BIT;
        int timestamp = buffer.getInt(from + TIMESTAMP_OFFSET, BIG_ENDIAN);
        int extension = extensionId > 0 ? TRANSPORT_CC_EXTENSION_LENGTH : 0;
        // The OSN goes right before the original payload; header and extension before it.
        int osn = from + HEADER_LENGTH - OSN_LENGTH;
        int to = osn - extension - HEADER_LENGTH;
        buffer.putByte(to, (byte) (VERSION_BITS | (extension > 0 ? EXTENSION_BIT : 0)));
        buffer.putByte(to + MARKER_PT_OFFSET, (byte) (marker | rtxPayloadType));
        buffer.putShort(to + SEQUENCE_OFFSET, (short) rtxSequence, BIG_ENDIAN);
        buffer.putInt(to + TIMESTAMP_OFFSET, timestamp, BIG_ENDIAN);
        buffer.putInt(to + SSRC_OFFSET, rtxSsrc, BIG_ENDIAN);
        if (extension > 0) {
            writeExtension(buffer, to + HEADER_LENGTH, extensionId, transportSequence);
        }
        buffer.putShort(osn, (short) originalSequence, BIG_ENDIAN);
        return to;
    }

    /** Length of the RTX packet made from a plain packet of {@code length} bytes. */
    public static int rtxLength(int length, boolean transportSequence) {
        return length + OSN_LENGTH + (transportSequence ? TRANSPORT_CC_EXTENSION_LENGTH : 0);
    }

    private static void writeExtension(MutableDirectBuffer buffer, int at, int id, int sequence) {
        buffer.putShort(at, (short) ONE_BYTE_PROFILE, BIG_ENDIAN);
        buffer.putShort(at + 2, (short) 1, BIG_ENDIAN);
        buffer.putByte(at + 4, (byte) ((id << 4) | 1));
        buffer.putShort(at + 5, (short) sequence, BIG_ENDIAN);
        buffer.putByte(at + 7, (byte) 0);
    }
}
