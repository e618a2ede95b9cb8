package dev.camrelay.rtsp.client;

import java.util.HexFormat;

/**
 * How an {@code rtsps://} camera's certificate is checked (RFC 7826 §19.2: RTSP over TLS).
 *
 * <ul>
 *   <li>{@link #systemTrustStore()}: the default; the chain must lead to a root of the JDK's trust store and the
 *       certificate must name the host (RFC 2818 §3.1 rules, as HTTPS).</li>
 *   <li>{@link #pinned(String)}: the SHA-256 of the camera's own certificate (its DER encoding), as MediaMTX's
 *       {@code sourceFingerprint}: the way to accept one self-signed camera and no other certificate. Chain and
 *       host name are not checked then; the pin is the whole trust.</li>
 *   <li>{@link #none()}: {@code tlsVerify: false}; any certificate (the link is encrypted, the camera is not
 *       authenticated).</li>
 * </ul>
 *
 * @param fingerprint the pinned SHA-256 in {@link #normalizeFingerprint canonical form}, or null
 * @param verify      false only for {@link #none()}
 */
public record TlsTrust(String fingerprint, boolean verify) {

    /** Bytes of a SHA-256 digest (FIPS 180-4). */
    public static final int SHA256_LENGTH = 32;

    public TlsTrust {
        if (fingerprint != null && (!verify || normalizeFingerprint(fingerprint) == null)) {
            throw new IllegalArgumentException("a pinned fingerprint is a SHA-256 and implies verification");
        }
        fingerprint = fingerprint == null ? null : normalizeFingerprint(fingerprint);
    }

    public static TlsTrust systemTrustStore() {
        return new TlsTrust(null, true);
    }

    public static TlsTrust pinned(String fingerprint) {
        return new TlsTrust(fingerprint, true);
    }

    public static TlsTrust none() {
        return new TlsTrust(null, false);
    }

    /**
     * A SHA-256 fingerprint as operators paste it ({@code AB:CD:...}, {@code ab cd ...} or 64 hex digits) in the
     * canonical form {@code AB:CD:...} (upper case, colons, as {@code openssl x509 -fingerprint -sha256} prints it);
     * null if it is not 32 bytes of hex.
     */
    public static String normalizeFingerprint(String text) {
        if (text == null) {
            return null;
        }
        String hex = text.strip().replace(":", "").replace(" ", "");
        if (hex.length() != 2 * SHA256_LENGTH) {
            return null;
        }
        try {
            return colonHex(HexFormat.of().parseHex(hex));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** {@code AB:CD:...} of a digest. */
    static String colonHex(byte[] digest) {
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    }

    /** What the cameras API and the logs say about this check. */
    public String describe() {
        if (fingerprint != null) {
            return "certificate pinned by its SHA-256 fingerprint";
        }
        return verify ? "certificate verified against the JDK trust store and the host name"
                : "certificate not verified";
    }
}
