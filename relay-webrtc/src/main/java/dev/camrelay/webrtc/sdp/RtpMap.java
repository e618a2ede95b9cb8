package dev.camrelay.webrtc.sdp;

/**
 * One {@code a=rtpmap:<pt> <encoding>/<clock>[/<channels>]} line (RFC 8866 §6.6).
 *
 * @param payloadType dynamic or static RTP payload type, 0-127
 * @param encoding    encoding name as written (compare case-insensitively)
 * @param clockRate   RTP clock rate in Hz
 * @param channels    audio channels, 1 when not given
 */
public record RtpMap(int payloadType, String encoding, int clockRate, int channels) {

    public boolean is(String name, int clock) {
        return encoding.equalsIgnoreCase(name) && clockRate == clock;
    }
}
