package dev.camrelay.server.webrtc;

import dev.camrelay.webrtc.ice.IceCredentials;
import dev.camrelay.webrtc.sdp.SdpFingerprint;

/**
 * The SDP offers of a Chrome-like WHEP player (RFC 9725 §4.2): BUNDLE, rtcp-mux, actpass DTLS, the player's ICE
 * credentials and certificate fingerprint; H.264 packetization-mode 1 with NACK, PLI and, unless left out, RTX;
 * optionally an audio section and H.265. Stateless.
 */
final class PlayerOffer {

    private PlayerOffer() {
    }

    /** One video section with {@code a=<direction>}, RTX for the H.264 format or not (RFC 4588). */
    static String video(IceCredentials ice, SdpFingerprint fingerprint, String direction, boolean rtx) {
        String sdp = String.join("\r\n",
                "v=0",
                "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
                "s=-",
                "t=0 0",
                "a=group:BUNDLE 0",
                "a=msid-semantic: WMS",
                "m=video 9 UDP/TLS/RTP/SAVPF 96 97",
                "c=IN IP4 0.0.0.0",
                "a=rtcp:9 IN IP4 0.0.0.0",
                "a=ice-ufrag:" + ice.ufrag(),
                "a=ice-pwd:" + ice.pwd(),
                "a=ice-options:trickle",
                "a=fingerprint:" + fingerprint.toAttributeValue(),
                "a=setup:actpass",
                "a=mid:0",
                "a=" + direction,
                "a=rtcp-mux",
                "a=rtcp-rsize",
                "a=rtpmap:96 H264/90000",
                "a=rtcp-fb:96 nack",
                "a=rtcp-fb:96 nack pli",
                "a=fmtp:96 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
                "a=rtpmap:97 rtx/90000",
                "a=fmtp:97 apt=96",
                "");
        return rtx ? sdp : sdp.replace("96 97\r\n", "96\r\n").replace("a=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n",
                "");
    }

    /** The recvonly video offer plus a recvonly audio section offering Opus, PCMU and PCMA (mid 1, bundled). */
    static String withAudio(IceCredentials ice, SdpFingerprint fingerprint) {
        return video(ice, fingerprint, "recvonly", true).replace("a=group:BUNDLE 0", "a=group:BUNDLE 0 1")
                + String.join("\r\n",
                "m=audio 9 UDP/TLS/RTP/SAVPF 111 0 8",
                "c=IN IP4 0.0.0.0",
                "a=ice-ufrag:" + ice.ufrag(),
                "a=ice-pwd:" + ice.pwd(),
                "a=fingerprint:" + fingerprint.toAttributeValue(),
                "a=setup:actpass",
                "a=mid:1",
                "a=recvonly",
                "a=rtcp-mux",
                "a=rtpmap:111 opus/48000/2",
                "a=fmtp:111 minptime=10;useinbandfec=1",
                "a=rtpmap:0 PCMU/8000",
                "a=rtpmap:8 PCMA/8000",
                "");
    }

    /** The recvonly video offer with H265/90000 (payload type 98) before H.264, as an H.265-capable browser's. */
    static String withH265(IceCredentials ice, SdpFingerprint fingerprint) {
        return video(ice, fingerprint, "recvonly", true)
                .replace("m=video 9 UDP/TLS/RTP/SAVPF 96 97", "m=video 9 UDP/TLS/RTP/SAVPF 98 96 97")
                .replace("a=rtpmap:96 H264/90000", "a=rtpmap:98 H265/90000\r\na=rtcp-fb:98 nack\r\n"
                        + "a=fmtp:98 level-id=93;profile-id=1;tier-flag=0;tx-mode=SRST\r\na=rtpmap:96 H264/90000");
    }
}
