package dev.camrelay.webrtc.ice;

import java.security.SecureRandom;

/**
 * Local ICE credentials of one session (RFC 8445 §5.3): a ufrag of at least 24 bits and a password of at least 128
 * bits of randomness, both drawn from the ice-char alphabet (RFC 8839 §5.4) with a CSPRNG.
 *
 * @param ufrag username fragment, {@value #UFRAG_LENGTH} ice-chars (48 bits)
 * @param pwd   password, {@value #PWD_LENGTH} ice-chars (144 bits)
 */
public record IceCredentials(String ufrag, String pwd) {

    public static final int UFRAG_LENGTH = 8;
    public static final int PWD_LENGTH = 24;

    /** ice-char = ALPHA / DIGIT / "+" / "/" (RFC 8839 §5.4): 64 symbols, 6 bits each. */
    private static final char[] ICE_CHARS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();

    public IceCredentials {
        if (!isIceChars(ufrag, 4, 256) || !isIceChars(pwd, 22, 256)) {
            throw new IllegalArgumentException("ufrag must be 4-256 and pwd 22-256 ice-chars (RFC 8839 §5.4)");
        }
    }

    public static IceCredentials generate(SecureRandom random) {
        return new IceCredentials(randomIceChars(random, UFRAG_LENGTH), randomIceChars(random, PWD_LENGTH));
    }

    /** True when {@code s} is {@code min..max} ice-chars. */
    public static boolean isIceChars(String s, int min, int max) {
        if (s == null || s.length() < min || s.length() > max) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '+' || c == '/';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static String randomIceChars(SecureRandom random, int length) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = ICE_CHARS[random.nextInt(ICE_CHARS.length)];
        }
        return new String(out);
    }

    @Override
    public String toString() {
        return "IceCredentials[ufrag=" + ufrag + ", pwd=<redacted>]";
    }
}
