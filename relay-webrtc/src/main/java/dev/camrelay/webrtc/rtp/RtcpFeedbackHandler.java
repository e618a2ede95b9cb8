package dev.camrelay.webrtc.rtp;

import org.agrona.DirectBuffer;

/**
 * Receives the feedback found by {@link RtcpFeedbackParser}; called on the parsing thread, one item at a time. The
 * report, REMB and transport-wide methods default to ignoring the item.
 */
public interface RtcpFeedbackHandler {

    /** One lost packet reported by a generic NACK (RFC 4585 §6.2.1). */
    void onNack(int mediaSsrc, int sequence);

    /** Picture Loss Indication (RFC 4585 §6.3.1). */
    void onPictureLoss(int mediaSsrc);

    /** Full Intra Request (RFC 5104 §4.3.1); {@code commandSequence} detects repeats of the same request. */
    void onFullIntraRequest(int mediaSsrc, int commandSequence);

    /**
     * One report block of an RR or SR (RFC 3550 §6.4.1) about one of the relay's SSRCs.
     *
     * @param fractionLost     lost fraction since the previous report, in 1/256
     * @param cumulativeLost   signed 24-bit cumulative number of packets lost
     * @param jitter           interarrival jitter in RTP timestamp units
     * @param lastSr           middle 32 bits of the NTP timestamp of the last SR received (LSR), 0 if none
     * @param delaySinceLastSr DLSR in 1/65536 s
     */
    default void onReportBlock(int sourceSsrc, int fractionLost, int cumulativeLost, int highestSequence, int jitter,
                               int lastSr, int delaySinceLastSr) {
    }

    /** Receiver Estimated Maximum Bitrate (draft-alvestrand-rmcat-remb-03), in bits per second. */
    default void onRemb(long bitsPerSecond, int firstSsrc) {
    }

    /**
     * A transport-wide congestion control feedback message
     * (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1): its FCI at {@code [fci, fci + fciLength)}, valid
     * only during the call (see {@code dev.camrelay.webrtc.cc.TransportCcFeedback}).
     */
    default void onTransportFeedback(DirectBuffer buffer, int fci, int fciLength) {
    }
}
