package dev.camrelay.webrtc.srtp;

/**
 * The SRTP key derivation function (RFC 3711 §4.3.1, §4.3.3): AES in counter mode keyed with the master key, over
 * {@code IV = (master_salt XOR (label || r)) * 2^16}; the key stream is the key material ({@link AesCounterMode}).
 * The relay never rekeys, so the key derivation rate is 0 and {@code r} is always 0 (§4.3.1). AES-GCM reuses the
 * same PRF with its 12-byte salt padded to 14 bytes with zeros (RFC 7714 §11). Control-plane only: called once per
 * session direction, allocates freely.
 */
public final class SrtpKeyDerivation {

    /** RFC 3711 §4.3.2 labels. */
    public static final int LABEL_RTP_ENCRYPTION = 0x00;
    public static final int LABEL_RTP_AUTHENTICATION = 0x01;
    public static final int LABEL_RTP_SALT = 0x02;
    public static final int LABEL_RTCP_ENCRYPTION = 0x03;
    public static final int LABEL_RTCP_AUTHENTICATION = 0x04;
    public static final int LABEL_RTCP_SALT = 0x05;

    /** The 112-bit salt field the PRF's IV is built from (RFC 3711 §4.3.1). */
    static final int SALT_FIELD_LENGTH = 14;
    /** The label sits just above the 48-bit {@code r} in the 112-bit key_id (RFC 3711 §4.3.1). */
    private static final int LABEL_BYTE = 7;

    private SrtpKeyDerivation() {
    }

    /**
     * Derives {@code length} bytes of session key material for {@code label}.
     *
     * @param masterKey  16-byte AES-128 master key
     * @param masterSalt 14-byte (AES-CM) or 12-byte (AES-GCM) master salt
     */
    public static byte[] derive(byte[] masterKey, byte[] masterSalt, int label, int length) {
        if (masterSalt.length > SALT_FIELD_LENGTH) {
            throw new IllegalArgumentException("master salt longer than 14 bytes");
        }
        byte[] iv = new byte[AesCounterMode.BLOCK];
        System.arraycopy(masterSalt, 0, iv, 0, masterSalt.length);
        iv[LABEL_BYTE] ^= (byte) label;
        byte[] out = new byte[length];
        new AesCounterMode().crypt(AesCounterMode.ecb(masterKey), iv, out, 0, length);
        return out;
    }
}
