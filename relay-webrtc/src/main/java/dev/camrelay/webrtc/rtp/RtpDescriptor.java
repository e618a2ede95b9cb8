package dev.camrelay.webrtc.rtp;

/**
 * RTP fixed header (RFC 3550 §5.1) as written by the relay (no CSRC, no extension) and the H.264 payload structures
 * of RFC 6184 used in packetization mode 1.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |  offset 0
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           timestamp                           |  offset 4
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                             SSRC                              |  offset 8
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * | payload ...                                                   |  offset 12
 *
 * STAP-A (RFC 6184 §5.7.1):  [F|NRI|24] then per NAL: [size:16][NAL unit]
 * FU-A   (RFC 6184 §5.8):    [F|NRI|28] [S|E|R|type] [fragment of the NAL after its header byte]
 * </pre>
 */
public final class RtpDescriptor {

    public static final int VERSION_BITS = 0x80;
    public static final int MARKER_BIT = 0x80;
    public static final int FIRST_BYTE_OFFSET = 0;
    public static final int MARKER_PT_OFFSET = 1;
    public static final int SEQUENCE_OFFSET = 2;
    public static final int TIMESTAMP_OFFSET = 4;
    public static final int SSRC_OFFSET = 8;
    public static final int HEADER_LENGTH = 12;

    /** Largest RTP payload the relay sends (mediamtx's 1188: 1200 B with the RTP header; protocols.md 7.2). */
    public static final int MAX_PAYLOAD_LENGTH = 1188;
    public static final int MAX_PACKET_LENGTH = HEADER_LENGTH + MAX_PAYLOAD_LENGTH;

    /** H.264 NAL unit types (ITU-T H.264 Table 7-1; RFC 6184 §5.4). */
    public static final int NAL_TYPE_MASK = 0x1F;
    public static final int NAL_NRI_MASK = 0x60;
    public static final int NAL_IDR = 5;
    public static final int NAL_SEI = 6;
    public static final int NAL_SPS = 7;
    public static final int NAL_PPS = 8;
    public static final int NAL_AUD = 9;
    public static final int NAL_FILLER = 12;
    public static final int NAL_STAP_A = 24;
    public static final int NAL_FU_A = 28;

    public static final int STAP_A_SIZE_LENGTH = 2;
    public static final int FU_A_HEADER_LENGTH = 2;
    public static final int FU_START = 0x80;
    public static final int FU_END = 0x40;

    /** AVCC length prefix of each NAL in an access unit (ISO/IEC 14496-15 with lengthSizeMinusOne = 3). */
    public static final int AVCC_LENGTH_PREFIX = 4;

    public static final int H264_CLOCK_RATE = 90_000;

    private RtpDescriptor() {
    }
}
