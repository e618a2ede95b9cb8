package dev.camrelay.webrtc.sdp;

import java.util.List;

/**
 * A parsed and WHEP-validated SDP offer.
 *
 * @param media       the m= sections in order
 * @param bundleMids  mids of the session's {@code a=group:BUNDLE} (RFC 8843), empty when absent
 * @param iceUfrag    the offerer's ice-ufrag (media-level value of the first section, else session-level)
 * @param icePwd      the offerer's ice-pwd, same rule
 * @param fingerprint the offerer's certificate fingerprint, same rule
 * @param setup       the offerer's DTLS role (RFC 5763 §5): actpass, active or passive
 */
public record SdpOffer(List<SdpMedia> media, List<String> bundleMids, String iceUfrag, String icePwd,
                       SdpFingerprint fingerprint, String setup) {

    public SdpOffer {
        media = List.copyOf(media);
        bundleMids = List.copyOf(bundleMids);
    }
}
