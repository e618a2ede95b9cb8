package dev.camrelay.webrtc.sdp;

import java.util.HexFormat;
import java.util.Locale;

/**
 * {@code a=fingerprint:<hash-func> <AB:CD:...>} (RFC 8122 §5): the certificate hash the DTLS peer must present.
 *
 * @param hashFunction lower-case hash name, e.g. sha-256
 * @param value        the hash bytes
 */
public record SdpFingerprint(String hashFunction, byte[] value) {

    public SdpFingerprint {
        hashFunction = hashFunction.toLowerCase(Locale.ROOT);
        value = value.clone();
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    /** Parses {@code sha-256 AB:CD:..}; null when malformed. */
    public static SdpFingerprint parse(String attributeValue) {
        String[] parts = attributeValue.trim().split("\\s+");
        if (parts.length != 2) {
            return null;
        }
        try {
            return new SdpFingerprint(parts[0], HexFormat.ofDelimiter(":").parseHex(parts[1].toLowerCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The attribute value with upper-case hex as browsers write it. */
    public String toAttributeValue() {
        return hashFunction + " " + HexFormat.ofDelimiter(":").withUpperCase().formatHex(value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SdpFingerprint f && f.hashFunction.equals(hashFunction)
                && java.util.Arrays.equals(f.value, value);
    }

    @Override
    public int hashCode() {
        return hashFunction.hashCode() * 31 + java.util.Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return toAttributeValue();
    }
}
