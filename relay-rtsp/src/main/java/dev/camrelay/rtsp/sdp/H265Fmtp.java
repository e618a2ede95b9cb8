package dev.camrelay.rtsp.sdp;

import java.util.ArrayList;
import java.util.List;

/**
 * H.265 fmtp parameters (RFC 7798 §7.1).
 *
 * @param vps           from {@code sprop-vps}
 * @param sps           from {@code sprop-sps}
 * @param pps           from {@code sprop-pps}
 * @param maxDonDiff    {@code sprop-max-don-diff}; DONL fields are present exactly when it is above 0 (§4.4)
 */
public record H265Fmtp(List<byte[]> vps, List<byte[]> sps, List<byte[]> pps, int maxDonDiff) {

    public H265Fmtp {
        vps = List.copyOf(vps);
        sps = List.copyOf(sps);
        pps = List.copyOf(pps);
    }

    public static H265Fmtp of(MediaDescription media) {
        int don = 0;
        String d = media.fmtp("sprop-max-don-diff");
        if (d != null) {
            try {
                don = Integer.parseInt(d.strip());
            } catch (NumberFormatException e) {
                don = 0;
            }
        }
        return new H265Fmtp(ParameterSetLists.decode(media.fmtp("sprop-vps")),
                ParameterSetLists.decode(media.fmtp("sprop-sps")), ParameterSetLists.decode(media.fmtp("sprop-pps")),
                don);
    }

    /** VPS, SPS, PPS in that order. */
    public List<byte[]> parameterSets() {
        List<byte[]> all = new ArrayList<>(vps);
        all.addAll(sps);
        all.addAll(pps);
        return all;
    }
}
