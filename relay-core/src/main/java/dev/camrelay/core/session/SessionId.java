package dev.camrelay.core.session;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * A viewer session's id: 128 bits from a CSPRNG (isolation.md #6; Swann 2018 shipped two cameras with one key), as
 * 22 base64url characters. It is a capability: HLS URLs carry it in the path, so it must not be guessable, and its
 * {@link #toString()} shows only a prefix.
 */
public final class SessionId {

    public static final int BYTES = 16;
    public static final int TEXT_LENGTH = 22;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final String value;

    private SessionId(String value) {
        this.value = value;
    }

    public static SessionId random() {
        byte[] id = new byte[BYTES];
        RANDOM.nextBytes(id);
        return new SessionId(ENCODER.encodeToString(id));
    }

    /** Empty unless {@code text} is exactly 22 base64url characters in the one spelling of 16 bytes. */
    public static Optional<SessionId> parse(String text) {
        if (text == null || text.length() != TEXT_LENGTH) {
            return Optional.empty();
        }
        for (int i = 0; i < TEXT_LENGTH; i++) {
            char c = text.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
                    || c == '_';
            if (!ok) {
                return Optional.empty();
            }
        }
        byte[] bytes = Base64.getUrlDecoder().decode(text);
        // The last character carries 2 spare bits; require them zero so that one id has exactly one spelling.
        if (bytes.length != BYTES || !ENCODER.encodeToString(bytes).equals(text)) {
            return Optional.empty();
        }
        return Optional.of(new SessionId(text));
    }

    /** The 22-character form, as it appears in URLs and the API. */
    public String value() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SessionId other && other.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return "SessionId[" + value.substring(0, 4) + "...]";
    }
}
