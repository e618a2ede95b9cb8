package dev.camrelay.rtsp.rtp;

/**
 * RTCP layouts (RFC 3550 §6.4), big-endian. Common header of every packet in a compound packet:
 * <pre>
 *   0                   1                   2                   3
 *  |V=2|P|  RC/SC  |      PT       |   length (32-bit words - 1)   |  0
 *  |                 SSRC of sender                                |  4
 * </pre>
 * Sender report (PT=200) sender info, after the common header:
 * <pre>
 *  |              NTP timestamp, most significant word             |  8
 *  |             NTP timestamp, least significant word             | 12
 *  |                         RTP timestamp                         | 16
 *  |                     sender's packet count                     | 20
 *  |                      sender's octet count                     | 24
 * </pre>
 * Report block (24 bytes; after the sender info in an SR, after the header in an RR, PT=201):
 * <pre>
 *  |                 SSRC of source                                |  0
 *  | fraction lost |       cumulative number of packets lost       |  4
 *  |           extended highest sequence number received           |  8
 *  |                      interarrival jitter                      | 12
 *  |                         last SR (LSR)                         | 16
 *  |                   delay since last SR (DLSR)                  | 20
 * </pre>
 */
public final class RtcpDescriptor {

    public static final int HEADER_LENGTH = 4;
    public static final int PT_OFFSET = 1;
    public static final int LENGTH_OFFSET = 2;
    public static final int SSRC_OFFSET = 4;

    public static final int PT_SENDER_REPORT = 200;
    public static final int PT_RECEIVER_REPORT = 201;
    public static final int PT_SDES = 202;
    public static final int PT_BYE = 203;

    public static final int SR_NTP_OFFSET = 8;
    public static final int SR_RTP_TIMESTAMP_OFFSET = 16;
    public static final int SR_PACKET_COUNT_OFFSET = 20;
    public static final int SR_OCTET_COUNT_OFFSET = 24;
    /** Header, SSRC and sender info: the shortest valid SR (RFC 3550 §6.4.1). */
    public static final int SR_MIN_LENGTH = 28;

    public static final int RR_HEADER_LENGTH = 8;
    public static final int REPORT_BLOCK_LENGTH = 24;
    public static final int BLOCK_SSRC_OFFSET = 0;
    public static final int BLOCK_LOST_OFFSET = 4;
    public static final int BLOCK_HIGHEST_SEQ_OFFSET = 8;
    public static final int BLOCK_JITTER_OFFSET = 12;
    public static final int BLOCK_LSR_OFFSET = 16;
    public static final int BLOCK_DLSR_OFFSET = 20;

    private RtcpDescriptor() {
    }
}
