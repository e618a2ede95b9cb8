package dev.camrelay.webrtc.rtp;

import static dev.camrelay.webrtc.rtp.RtcpDescriptor.COUNT_MASK;
import static dev.camrelay.webrtc.rtp.RtcpDescriptor.FEEDBACK_HEADER_LENGTH;
import static dev.camrelay.webrtc.rtp.RtcpDescriptor.FIR_FCI_LENGTH;
import static dev.camrelay.webrtc.rtp.RtcpDescriptor.FMT_FIR;
import static dev.camrelay.webrtc.rtp.RtcpDescriptor.FMT_GENERIC_NACK;
import static dev.camrelay.webrtc.rtp.RtcpDescriptor.FMT_PLI;
import static dev.camrelay.webrtc.rtp.RtcpDescriptor.HEADER_LENGTH;
import static dev.camrelay.webrtc.rtp.RtcpDescriptor.MEDIA_SSRC_OFFSET;
import static dev.camrelay.webrtc.rtp.RtcpDescriptor.FMT_REMB;
import static dev.camrelay.webrtc.rtp.RtcpDescriptor.FMT_TRANSPORT_CC;
import static dev.camrelay.webrtc.rtp.RtcpDescriptor.NACK_FCI_LENGTH;
import static dev.camrelay.webrtc.rtp.RtcpDescriptor.PT_PSFB;
import static dev.camrelay.webrtc.rtp.RtcpDescriptor.PT_RR;
import static dev.camrelay.webrtc.rtp.RtcpDescriptor.PT_RTPFB;
import static dev.camrelay.webrtc.rtp.RtcpDescriptor.PT_SR;
import static dev.camrelay.webrtc.rtp.RtcpDescriptor.REMB_IDENTIFIER;
import static dev.camrelay.webrtc.rtp.RtcpDescriptor.REMB_MIN_FCI_LENGTH;
import static dev.camrelay.webrtc.rtp.RtcpDescriptor.REPORT_BLOCK_LENGTH;
import static dev.camrelay.webrtc.rtp.RtcpDescriptor.RR_REPORTS_OFFSET;
import static dev.camrelay.webrtc.rtp.RtcpDescriptor.SR_REPORTS_OFFSET;
import static dev.camrelay.webrtc.rtp.RtcpDescriptor.TRANSPORT_CC_MIN_FCI_LENGTH;
import static dev.camrelay.webrtc.rtp.RtcpDescriptor.VERSION_2;
import static dev.camrelay.webrtc.rtp.RtcpDescriptor.VERSION_MASK;
import static java.nio.ByteOrder.BIG_ENDIAN;

import org.agrona.DirectBuffer;

/**
 * Walks a (decrypted) compound RTCP packet (RFC 3550 §6.1) and reports to a handler: generic NACKs, PLIs and FIRs,
 * the report blocks of SRs and RRs, REMB, and transport-wide feedback (handed over as its FCI); other packet types
 * (SDES, BYE, XR, APP) are skipped. Stateless and allocation-free.
 */
public final class RtcpFeedbackParser {

    /** The compound packet is truncated, has a bad version or a length that overruns it. */
    public static final int MALFORMED = -1;

    private RtcpFeedbackParser() {
    }

    /**
     * @return the number of feedback items reported, or {@link #MALFORMED}; items before the malformed part are
     *         still reported
     * @throws IndexOutOfBoundsException if the range is not inside {@code buffer} (caller's bug)
     */
    public static int parse(DirectBuffer buffer, int offset, int length, RtcpFeedbackHandler handler) {
        buffer.boundsCheck(offset, length);
        int end = offset + length;
        int position = offset;
        int items = 0;
        while (position < end) {
            if (end - position < HEADER_LENGTH) {
                return MALFORMED;
            }
            int first = buffer.getByte(position) & 0xFF;
            int type = buffer.getByte(position + 1) & 0xFF;
            int packetLength = ((buffer.getShort(position + 2, BIG_ENDIAN) & 0xFFFF) + 1) * 4;
            if ((first & VERSION_MASK) != VERSION_2 || packetLength > end - position) {
                return MALFORMED;
            }
            int fmt = first & COUNT_MASK;
            if (type == PT_RR || type == PT_SR) {
                items += reportBlocks(buffer, position, packetLength, type == PT_SR ? SR_REPORTS_OFFSET
                        : RR_REPORTS_OFFSET, fmt, handler);
            } else if ((type == PT_RTPFB || type == PT_PSFB) && packetLength >= FEEDBACK_HEADER_LENGTH) {
                int mediaSsrc = buffer.getInt(position + MEDIA_SSRC_OFFSET, BIG_ENDIAN);
                int fci = position + FEEDBACK_HEADER_LENGTH;
                int fciEnd = position + packetLength;
                if (type == PT_RTPFB && fmt == FMT_GENERIC_NACK) {
                    items += nacks(buffer, fci, fciEnd, mediaSsrc, handler);
                } else if (type == PT_PSFB && fmt == FMT_PLI) {
                    handler.onPictureLoss(mediaSsrc);
                    items++;
                } else if (type == PT_RTPFB && fmt == FMT_TRANSPORT_CC
                        && fciEnd - fci >= TRANSPORT_CC_MIN_FCI_LENGTH) {
                    handler.onTransportFeedback(buffer, fci, fciEnd - fci);
                    items++;
                } else if (type == PT_PSFB && fmt == FMT_REMB && fciEnd - fci >= REMB_MIN_FCI_LENGTH
                        && buffer.getInt(fci, BIG_ENDIAN) == REMB_IDENTIFIER) {
                    items += remb(buffer, fci, fciEnd, handler);
                } else if (type == PT_PSFB && fmt == FMT_FIR) {
                    for (int entry = fci; entry + FIR_FCI_LENGTH <= fciEnd; entry += FIR_FCI_LENGTH) {
                        handler.onFullIntraRequest(buffer.getInt(entry, BIG_ENDIAN), buffer.getByte(entry + 4) & 0xFF);
                        items++;
                    }
                }
            }
            position += packetLength;
        }
        return items;
    }

    /** RC report blocks from {@code first}; blocks that would overrun the packet are ignored. */
    private static int reportBlocks(DirectBuffer buffer, int packet, int packetLength, int first, int count,
                                    RtcpFeedbackHandler handler) {
        int items = 0;
        for (int i = 0; i < count; i++) {
            int block = packet + first + i * REPORT_BLOCK_LENGTH;
            if (block + REPORT_BLOCK_LENGTH > packet + packetLength) {
                break;
            }
            int lostWord = buffer.getInt(block + 4, BIG_ENDIAN);
            handler.onReportBlock(buffer.getInt(block, BIG_ENDIAN), lostWord >>> 24, (lostWord << 8) >> 8,
                    buffer.getInt(block + 8, BIG_ENDIAN), buffer.getInt(block + 12, BIG_ENDIAN),
                    buffer.getInt(block + 16, BIG_ENDIAN), buffer.getInt(block + 20, BIG_ENDIAN));
            items++;
        }
        return items;
    }

    /** Bitrate = mantissa * 2^exp (draft-alvestrand-rmcat-remb-03 §2.2); saturates rather than overflows. */
    private static int remb(DirectBuffer buffer, int fci, int fciEnd, RtcpFeedbackHandler handler) {
        int word = buffer.getInt(fci + 4, BIG_ENDIAN);
        int ssrcCount = word >>> 24;
        int exponent = (word >>> 18) & 0x3F;
        long mantissa = word & 0x3FFFF;
        long bitsPerSecond = exponent > 45 ? Long.MAX_VALUE : mantissa << exponent;
        int firstSsrc = ssrcCount > 0 && fci + 12 <= fciEnd ? buffer.getInt(fci + 8, BIG_ENDIAN) : 0;
        handler.onRemb(bitsPerSecond, firstSsrc);
        return 1;
    }

    private static int nacks(DirectBuffer buffer, int fci, int fciEnd, int mediaSsrc, RtcpFeedbackHandler handler) {
        int items = 0;
        for (int entry = fci; entry + NACK_FCI_LENGTH <= fciEnd; entry += NACK_FCI_LENGTH) {
            int pid = buffer.getShort(entry, BIG_ENDIAN) & 0xFFFF;
            int blp = buffer.getShort(entry + 2, BIG_ENDIAN) & 0xFFFF;
            handler.onNack(mediaSsrc, pid);
            items++;
            for (int bit = 0; bit < 16; bit++) {
                if ((blp & (1 << bit)) != 0) {
                    handler.onNack(mediaSsrc, (pid + bit + 1) & 0xFFFF);
                    items++;
                }
            }
        }
        return items;
    }
}
