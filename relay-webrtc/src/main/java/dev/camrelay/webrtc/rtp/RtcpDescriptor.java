package dev.camrelay.webrtc.rtp;

/**
 * RTCP common header (RFC 3550 §6.4.1) and the transport/payload-specific feedback layouts (RFC 4585 §6.1) the
 * relay reads.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P| FMT/RC  |      PT       |      length (words - 1)       |  offset 0
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of packet sender                        |  offset 4
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of media source                         |  offset 8 (feedback only)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  FCI ...                                      |  offset 12
 *
 * Generic NACK FCI (RFC 4585 §6.2.1):  [PID:16][BLP:16], lost = PID and PID+i+1 for each set bit i of BLP
 * FIR FCI (RFC 5104 §4.3.1.1):         [SSRC:32][Seq nr:8][reserved:24]
 * PLI (RFC 4585 §6.3.1):               no FCI
 *
 * Report block (RFC 3550 §6.4.1), RC of them after the RR's sender SSRC (offset 8) or the SR's sender info (offset 28):
 * |                 SSRC of source                                |  +0
 * | fraction lost |       cumulative number of packets lost       |  +4
 * |           extended highest sequence number received           |  +8
 * |                      interarrival jitter                      | +12
 * |                         last SR (LSR)                         | +16
 * |                   delay since last SR (DLSR)                  | +20
 *
 * REMB (draft-alvestrand-rmcat-remb-03 §2.2), PSFB FMT=15, media SSRC 0, FCI:
 * |  'R' 'E' 'M' 'B'  | Num SSRC:8 | BR Exp:6 | BR Mantissa:18 | SSRC feedback:32 ...
 *
 * Transport-wide feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1), RTPFB FMT=15, FCI:
 * | base sequence number:16 | packet status count:16 | reference time:24 (signed, 64 ms) | fb pkt. count:8 |
 * | packet chunks (16 bits each) ... | recv deltas (8 or 16 bits each) ... | zero padding |
 * </pre>
 */
public final class RtcpDescriptor {

    public static final int HEADER_LENGTH = 4;
    public static final int FEEDBACK_HEADER_LENGTH = 12;
    public static final int SENDER_SSRC_OFFSET = 4;
    public static final int MEDIA_SSRC_OFFSET = 8;
    public static final int COUNT_MASK = 0x1F;
    public static final int PADDING_BIT = 0x20;
    public static final int VERSION_MASK = 0xC0;
    public static final int VERSION_2 = 0x80;

    public static final int PT_SR = 200;
    public static final int PT_RR = 201;
    public static final int PT_RTPFB = 205;
    public static final int PT_PSFB = 206;

    public static final int FMT_GENERIC_NACK = 1;
    public static final int FMT_TRANSPORT_CC = 15;
    public static final int FMT_PLI = 1;
    public static final int FMT_FIR = 4;
    public static final int FMT_REMB = 15;

    public static final int NACK_FCI_LENGTH = 4;
    public static final int FIR_FCI_LENGTH = 8;

    public static final int RR_REPORTS_OFFSET = 8;
    public static final int SR_REPORTS_OFFSET = 28;
    public static final int REPORT_BLOCK_LENGTH = 24;

    /** "REMB" in ASCII, the first FCI word of a REMB message. */
    public static final int REMB_IDENTIFIER = 0x52454D42;
    public static final int REMB_MIN_FCI_LENGTH = 8;
    public static final int TRANSPORT_CC_MIN_FCI_LENGTH = 8;

    private RtcpDescriptor() {
    }
}
