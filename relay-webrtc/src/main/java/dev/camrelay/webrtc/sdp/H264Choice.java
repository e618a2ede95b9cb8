package dev.camrelay.webrtc.sdp;

import java.util.List;

/**
 * Picks the offered H.264 payload type to send a camera's stream with (protocols.md 7.1).
 *
 * <p>Only packetization-mode=1 formats qualify (the packetizer uses FU-A and STAP-A, RFC 6184 §6.3). Preference: a
 * format whose profile_idc matches the camera's; for a High-profile camera, or when nothing matches, Constrained
 * Baseline 42e01f then Baseline 42001f — Chromium offers no High profile here (receive list 42001f, 42e01f, 4d001f,
 * f4001f) and its decoder plays High streams negotiated as 42e01f, as mediamtx relies on; then the first qualifying
 * format. Among equals, level-asymmetry-allowed=1 wins, then offer order. Stateless.
 */
public final class H264Choice {

    private static final int CONSTRAINED_BASELINE_31 = 0x42e01f;
    private static final int BASELINE_31 = 0x42001f;

    private H264Choice() {
    }

    /** Payload types of H264/90000 with packetization-mode=1, in offer order. */
    public static List<Integer> packetizationMode1(SdpMedia media) {
        return media.payloadTypes().stream()
                .filter(pt -> {
                    RtpMap map = media.rtpMaps().get(pt);
                    return map != null && map.is("H264", 90_000)
                            && H264Fmtp.parse(media.fmtps().get(pt)).packetizationMode() == 1;
                })
                .toList();
    }

    /**
     * @param cameraProfileIdc the camera's profile_idc (SPS byte 1), or 0 when unknown
     * @return the chosen payload type, or -1 when the section has no usable H.264 format
     */
    public static int choose(SdpMedia media, int cameraProfileIdc) {
        List<Integer> candidates = packetizationMode1(media);
        int best = -1;
        int bestScore = Integer.MIN_VALUE;
        for (int pt : candidates) {
            int score = score(H264Fmtp.parse(media.fmtps().get(pt)), cameraProfileIdc);
            if (score > bestScore) {
                best = pt;
                bestScore = score;
            }
        }
        return best;
    }

    private static int score(H264Fmtp fmtp, int cameraProfileIdc) {
        int score = 0;
        boolean high = cameraProfileIdc == H264Fmtp.PROFILE_HIGH;
        if (!high && cameraProfileIdc != 0 && fmtp.profileIdc() == cameraProfileIdc) {
            score += 100;
        }
        if (fmtp.profileLevelId() == CONSTRAINED_BASELINE_31) {
            score += 50;
        } else if (fmtp.profileLevelId() == BASELINE_31) {
            score += 40;
        }
        if (fmtp.levelAsymmetryAllowed()) {
            score += 5;
        }
        return score;
    }
}
