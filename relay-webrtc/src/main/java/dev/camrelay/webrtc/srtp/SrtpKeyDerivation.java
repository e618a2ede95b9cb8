package dev.camrelay.webrtc.srtp;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SRTP key derivation function (RFC 3711 §4.3.1, §4.3.3): AES in counter mode keyed with the master key, over
 * {@code IV = (master_salt XOR (label || r)) * 2^16}. The relay never rekeys, so the key derivation rate is 0 and
 * {@code r} is always 0 (§4.3.1). AES-GCM reuses the same PRF with its 12-byte salt padded to 14 bytes with zeros
 * (RFC 7714 §11). Control-plane only: called once per session direction, allocates freely.
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
    private static final int AES_BLOCK = 16;

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
        try {
            Cipher aes = Cipher.getInstance("AES/ECB/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(masterKey, "AES"));
            byte[] iv = new byte[AES_BLOCK];
            System.arraycopy(masterSalt, 0, iv, 0, masterSalt.length);
            iv[LABEL_BYTE] ^= (byte) label;
            byte[] out = new byte[length];
            byte[] block = new byte[AES_BLOCK];
            for (int produced = 0, counter = 0; produced < length; counter++) {
                iv[AES_BLOCK - 2] = (byte) (counter >>> 8);
                iv[AES_BLOCK - 1] = (byte) counter;
                aes.update(iv, 0, AES_BLOCK, block, 0);
                int n = Math.min(AES_BLOCK, length - produced);
                System.arraycopy(block, 0, out, produced, n);
                produced += n;
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES is part of every JDK", e);
        }
    }
}
