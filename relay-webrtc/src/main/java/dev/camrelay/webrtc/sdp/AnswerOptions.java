package dev.camrelay.webrtc.sdp;

import dev.camrelay.webrtc.ice.IceCredentials;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * What the relay puts into every answer besides the codec choice.
 *
 * @param ice           this session's ICE-lite credentials
 * @param fingerprint   SHA-256 fingerprint of the relay's DTLS certificate
 * @param hostAddresses addresses players reach the relay on; each becomes a host candidate (WHEP §4.4.2)
 * @param udpPort       the one WebRTC UDP port shared by all sessions
 * @param videoSsrc     SSRC the relay sends video with
 * @param audioSsrc     SSRC the relay sends audio with
 * @param cname         RTCP CNAME (RFC 7022)
 * @param streamId      msid stream id (RFC 8830)
 * @param sessionId     o= line session id
 * @param rtxSsrc       SSRC of the video's RTX stream (RFC 4588 §8.1), used when the offer has RTX
 */
public record AnswerOptions(IceCredentials ice, SdpFingerprint fingerprint, List<InetAddress> hostAddresses,
                            int udpPort, long videoSsrc, long audioSsrc, String cname, String streamId,
                            long sessionId, long rtxSsrc) {

    /** Without an RTX SSRC of its own: {@code videoSsrc + 1}. */
    public AnswerOptions(IceCredentials ice, SdpFingerprint fingerprint, List<InetAddress> hostAddresses,
                         int udpPort, long videoSsrc, long audioSsrc, String cname, String streamId,
                         long sessionId) {
        this(ice, fingerprint, hostAddresses, udpPort, videoSsrc, audioSsrc, cname, streamId, sessionId,
                (videoSsrc + 1) & 0xFFFF_FFFFL);
    }

    public AnswerOptions {
        Objects.requireNonNull(ice, "ice");
        Objects.requireNonNull(fingerprint, "fingerprint");
        hostAddresses = List.copyOf(hostAddresses);
        if (hostAddresses.isEmpty()) {
            throw new IllegalArgumentException("at least one host address is needed for a candidate");
        }
        if (udpPort <= 0 || udpPort > 65535) {
            throw new IllegalArgumentException("bad UDP port " + udpPort);
        }
    }
}
