package dev.camrelay.rtsp.depacketize;

import dev.camrelay.rtsp.sdp.LatmFmtp;
import dev.camrelay.rtsp.sdp.SdpParser;

/** LATM configs for tests, from SDP as real senders write it. */
final class LatmFmtpTestValues {

    /** GStreamer's rtpmp4apay for AAC LC 48 kHz stereo. */
    static final LatmFmtp STEREO_48K = LatmFmtp.of(SdpParser.parse("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=x\r\n"
            + "t=0 0\r\nm=audio 0 RTP/AVP 96\r\na=rtpmap:96 MP4A-LATM/48000\r\n"
            + "a=fmtp:96 cpresent=0;config=40002320\r\na=control:stream=0\r\n").media().getFirst());

    private LatmFmtpTestValues() {
    }
}
