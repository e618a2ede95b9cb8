package dev.camrelay.webrtc.sdp;

import java.util.List;
import java.util.Map;

/**
 * One m= section of an offer with the attributes a WHEP answer needs.
 *
 * @param kind         media type: video, audio, application
 * @param port         port from the m= line (0: rejected/disabled section)
 * @param protocol     e.g. UDP/TLS/RTP/SAVPF
 * @param formats      the m= line's format list as written (payload types for RTP)
 * @param mid          a=mid (RFC 8843 §4.1), or null
 * @param direction    the section's direction, SENDRECV when absent (RFC 8866 §6.7)
 * @param rtpMaps      payload type to rtpmap
 * @param fmtps        payload type to fmtp value
 * @param rtcpFeedback payload type to its rtcp-fb values ("nack", "nack pli", ...); key -1 holds "*" entries
 * @param extmaps      extension URI to id (RFC 8285)
 * @param iceUfrag     a=ice-ufrag in this section, or null
 * @param icePwd       a=ice-pwd in this section, or null
 * @param fingerprint  a=fingerprint in this section, or null
 * @param setup        a=setup in this section, or null
 * @param rtcpMux      a=rtcp-mux present
 * @param rtcpRsize    a=rtcp-rsize present
 */
public record SdpMedia(String kind, int port, String protocol, List<String> formats, String mid,
                       SdpDirection direction, Map<Integer, RtpMap> rtpMaps, Map<Integer, String> fmtps,
                       Map<Integer, List<String>> rtcpFeedback, Map<String, Integer> extmaps, String iceUfrag,
                       String icePwd, SdpFingerprint fingerprint, String setup, boolean rtcpMux, boolean rtcpRsize) {

    public static final int ANY_PAYLOAD_TYPE = -1;

    public SdpMedia {
        formats = List.copyOf(formats);
        rtpMaps = Map.copyOf(rtpMaps);
        fmtps = Map.copyOf(fmtps);
        rtcpFeedback = Map.copyOf(rtcpFeedback);
        extmaps = Map.copyOf(extmaps);
    }

    /** rtcp-fb values for a payload type, including the "*" wildcard ones. */
    public List<String> feedbackFor(int payloadType) {
        List<String> specific = rtcpFeedback.getOrDefault(payloadType, List.of());
        List<String> wildcard = rtcpFeedback.getOrDefault(ANY_PAYLOAD_TYPE, List.of());
        if (wildcard.isEmpty()) {
            return specific;
        }
        return java.util.stream.Stream.concat(specific.stream(), wildcard.stream()).distinct().toList();
    }

    /** Payload types of the m= line that parse as integers, in offer (preference) order. */
    public List<Integer> payloadTypes() {
        return formats.stream().filter(f -> f.chars().allMatch(Character::isDigit) && !f.isEmpty()
                && f.length() <= 3).map(Integer::valueOf).toList();
    }
}
