package dev.camrelay.webrtc.rtp;

/** Receives the feedback found by {@link RtcpFeedbackParser}; called on the parsing thread, one item at a time. */
public interface RtcpFeedbackHandler {

    /** One lost packet reported by a generic NACK (RFC 4585 §6.2.1). */
    void onNack(int mediaSsrc, int sequence);

    /** Picture Loss Indication (RFC 4585 §6.3.1). */
    void onPictureLoss(int mediaSsrc);

    /** Full Intra Request (RFC 5104 §4.3.1); {@code commandSequence} detects repeats of the same request. */
    void onFullIntraRequest(int mediaSsrc, int commandSequence);
}
