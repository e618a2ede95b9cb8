package dev.camrelay.webrtc.sdp;

import java.util.Locale;

/**
 * The H.264 format parameters that decide interoperability (RFC 6184 §8.1): profile-level-id (profile_idc,
 * profile-iop constraint flags, level_idc as 6 hex digits), packetization-mode and level-asymmetry-allowed.
 *
 * @param profileLevelId         the 24-bit value, or {@link #ABSENT}; RFC 6184 §8.1 default is 42000A
 * @param packetizationMode      0 when absent (§8.1)
 * @param levelAsymmetryAllowed  whether the level may differ per direction
 */
public record H264Fmtp(int profileLevelId, int packetizationMode, boolean levelAsymmetryAllowed) {

    public static final int ABSENT = -1;
    public static final int PROFILE_BASELINE = 66;
    public static final int PROFILE_MAIN = 77;
    public static final int PROFILE_HIGH = 100;

    /** Parses an fmtp value such as {@code level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f}. */
    public static H264Fmtp parse(String fmtp) {
        int profileLevelId = ABSENT;
        int mode = 0;
        boolean asymmetry = false;
        if (fmtp != null) {
            for (String part : fmtp.split(";")) {
                int eq = part.indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String key = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
                String value = part.substring(eq + 1).trim();
                switch (key) {
                    case "profile-level-id" -> profileLevelId = parseHex6(value);
                    case "packetization-mode" -> mode = "1".equals(value) ? 1 : "2".equals(value) ? 2 : 0;
                    case "level-asymmetry-allowed" -> asymmetry = "1".equals(value);
                    default -> {
                        // other parameters (sprop-*, max-*) do not affect the choice
                    }
                }
            }
        }
        return new H264Fmtp(profileLevelId, mode, asymmetry);
    }

    public int profileIdc() {
        return profileLevelId == ABSENT ? PROFILE_BASELINE : (profileLevelId >>> 16) & 0xFF;
    }

    public int profileIop() {
        return profileLevelId == ABSENT ? 0 : (profileLevelId >>> 8) & 0xFF;
    }

    /** profile-level-id as 6 lower-case hex digits, e.g. {@code 42e01f}. */
    public String profileLevelIdHex() {
        return profileLevelId == ABSENT ? "" : String.format(Locale.ROOT, "%06x", profileLevelId);
    }

    private static int parseHex6(String value) {
        if (value.length() != 6) {
            return ABSENT;
        }
        try {
            return Integer.parseInt(value, 16);
        } catch (NumberFormatException e) {
            return ABSENT;
        }
    }
}
