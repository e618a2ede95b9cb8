package dev.camrelay.webrtc.dtls;

import org.bouncycastle.tls.SRTPProtectionProfile;

/**
 * The SRTP protection profiles the relay negotiates in use_srtp (RFC 5764 §4.1.2), in the relay's preference order,
 * with the key sizes that decide how much keying material is exported (§4.2).
 *
 * <p>AES-CM comes first: both are allocation-free per packet, but AES-CM's HMAC-SHA1 runs on the CPU's SHA
 * instructions through the JDK while GCM's GHASH comes from BouncyCastle's tables (the JDK's GCM, with the CPU's
 * carry-less multiply, allocates about 1 KB per packet), so AES-CM protects a full packet in about 1.0 µs and GCM in
 * about 2.1 µs (docs/benchmarks.md, WebRTC per packet); on the one sender thread that is the difference between the
 * last of 200 viewers getting a frame about 2 ms or 4 ms after the first. A client that offers only GCM gets GCM.
 */
public enum SrtpProfile {
    /** RFC 5764 §4.1.2: AES-128 counter mode, 14-byte salt, 80-bit HMAC-SHA1 tag. */
    AES128_CM_HMAC_SHA1_80(SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80, 16, 14, 10),
    /** RFC 7714 §14.2: AES-128-GCM, 12-byte salt, 16-byte tag. */
    AEAD_AES_128_GCM(SRTPProtectionProfile.SRTP_AEAD_AES_128_GCM, 16, 12, 16);

    private final int id;
    private final int keyLength;
    private final int saltLength;
    private final int tagLength;

    SrtpProfile(int id, int keyLength, int saltLength, int tagLength) {
        this.id = id;
        this.keyLength = keyLength;
        this.saltLength = saltLength;
        this.tagLength = tagLength;
    }

    /** The two-byte SRTPProtectionProfile value on the wire. */
    public int id() {
        return id;
    }

    public int keyLength() {
        return keyLength;
    }

    public int saltLength() {
        return saltLength;
    }

    /** Authentication tag bytes each SRTP packet grows by; count it in the 1200-byte budget (protocols.md 6.5). */
    public int tagLength() {
        return tagLength;
    }

    /** Bytes exported with label EXTRACTOR-dtls_srtp: 2 x (key + salt), 60 for CM, 56 for GCM (RFC 5764 §4.2). */
    public int keyingMaterialLength() {
        return 2 * (keyLength + saltLength);
    }

    /** The profile with a wire id, or null. */
    public static SrtpProfile byId(int id) {
        for (SrtpProfile p : values()) {
            if (p.id == id) {
                return p;
            }
        }
        return null;
    }
}
