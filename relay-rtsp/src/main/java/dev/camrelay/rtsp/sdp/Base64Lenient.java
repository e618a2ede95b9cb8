package dev.camrelay.rtsp.sdp;

import java.util.Base64;

/** Base64 as cameras write it in fmtp: with or without padding, whitespace tolerated. Returns null if invalid. */
final class Base64Lenient {

    private Base64Lenient() {
    }

    static byte[] decode(String s) {
        String t = s.replaceAll("\\s", "");
        while (t.endsWith("=")) {
            t = t.substring(0, t.length() - 1);
        }
        if (t.length() % 4 == 1) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(t + "==".substring(0, (4 - t.length() % 4) % 4));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Hex as in RFC 3640 {@code config}; null if invalid. */
    static byte[] hex(String s) {
        String t = s.strip();
        if (t.length() % 2 != 0) {
            return null;
        }
        byte[] out = new byte[t.length() / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = Character.digit(t.charAt(2 * i), 16);
            int lo = Character.digit(t.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                return null;
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return out;
    }
}
