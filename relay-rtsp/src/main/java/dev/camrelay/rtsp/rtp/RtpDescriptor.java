package dev.camrelay.rtsp.rtp;

/**
 * Layout of the RTP fixed header (RFC 3550 §5.1), all fields big-endian:
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |V=2|P|X|  CC   |M|     PT      |       sequence number         |  0
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                           timestamp                           |  4
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |           synchronization source (SSRC) identifier            |  8
 *  +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *  |            contributing source (CSRC) identifiers             | 12, CC x 4 bytes
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  defined by profile (X=1)     |  extension length (words)     | §5.3.1
 *  |                        extension data                         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 payload ...   | padding ... | padding count   | P=1: last byte counts padding
 * </pre>
 */
public final class RtpDescriptor {

    public static final int VERSION = 2;
    public static final int FIXED_HEADER_LENGTH = 12;
    public static final int FLAGS_OFFSET = 0;
    public static final int MARKER_PT_OFFSET = 1;
    public static final int SEQUENCE_OFFSET = 2;
    public static final int TIMESTAMP_OFFSET = 4;
    public static final int SSRC_OFFSET = 8;
    public static final int CSRC_LENGTH = 4;
    public static final int EXTENSION_HEADER_LENGTH = 4;

    public static final int VERSION_SHIFT = 6;
    public static final int PADDING_BIT = 0x20;
    public static final int EXTENSION_BIT = 0x10;
    public static final int CSRC_COUNT_MASK = 0x0F;
    public static final int MARKER_BIT = 0x80;
    public static final int PAYLOAD_TYPE_MASK = 0x7F;

    /** Largest RTP packet: a UDP datagram payload (IPv4 65535 - 20 - 8), also above the 16-bit interleaved limit. */
    public static final int MAX_PACKET_LENGTH = 65_507;

    private RtpDescriptor() {
    }
}
