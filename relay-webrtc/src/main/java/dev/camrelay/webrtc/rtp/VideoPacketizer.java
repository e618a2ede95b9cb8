package dev.camrelay.webrtc.rtp;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Single-threaded: owned by the one sender of an outgoing video SSRC. An access-unit packetizer (H.264 RFC 6184,
 * H.265 RFC 7798) with the same contract: {@link #beginAccessUnit}, then {@link #nextPacket} until {@link #DONE};
 * sequence numbers and timestamps continuous across epochs; non-keyframes skipped after an epoch change or
 * {@link #requestKeyframe()}; nothing allocated.
 */
public interface VideoPacketizer {

    int DONE = 0;
    int READY = 1;
    int WAITING_FOR_KEYFRAME = -1;
    int MALFORMED_ACCESS_UNIT = -2;
    int NO_PARAMETER_SETS = -3;

    int beginAccessUnit(DirectBuffer buffer, int offset, int length, long pts, long epoch, long nowNanos);

    int nextPacket(MutableDirectBuffer out, int offset);

    void requestKeyframe();

    /** RTP timestamp of the current (or last) access unit. */
    int timestamp();
}
