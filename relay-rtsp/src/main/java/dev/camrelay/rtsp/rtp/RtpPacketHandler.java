package dev.camrelay.rtsp.rtp;

/** Receives RTP packets in sequence order; the packet is a flyweight valid only during the call. */
@FunctionalInterface
public interface RtpPacketHandler {

    void onRtpPacket(RtpPacket packet);
}
