package dev.camrelay.webrtc.srtp;

import static dev.camrelay.webrtc.srtp.SrtpPackets.RTCP_CLEAR_PREFIX;
import static dev.camrelay.webrtc.srtp.SrtpPackets.SRTCP_E_FLAG;
import static dev.camrelay.webrtc.srtp.SrtpPackets.SRTCP_INDEX_LENGTH;
import static dev.camrelay.webrtc.srtp.SrtpPackets.SRTCP_INDEX_MASK;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Single-threaded: one direction of one session, used by one thread.
 *
 * <p>AEAD_AES_128_GCM for SRTP and SRTCP (RFC 7714): the RTP header is the associated data and the payload is
 * encrypted, followed by a 16-byte tag (§8.1); SRTCP authenticates the first 8 bytes and the E flag with SRTCP index,
 * encrypts the rest, and ends with the tag and then the index (§9). The 12-byte IV is the session salt XORed with
 * {@code 0x0000 || SSRC || ROC || SEQ} (§8.1) or {@code 0x0000 || SSRC || 0x0000 || SRTCP index} (§9.1).
 *
 * <p>The JCE's GCM must be re-initialised with a parameter object per packet, which allocates a few small objects;
 * the cipher itself is reused. The JCE refuses to encrypt twice in a row under the same IV, which a NACK answered
 * immediately would do (same packet, same index, same bytes: no key-stream reuse in substance), so a repeated IV is
 * first stepped over with a throwaway one.
 */
public final class AesGcmTransform implements SrtpTransform {

    public static final int KEY_LENGTH = 16;
    public static final int SALT_LENGTH = 12;
    /** 16-byte authentication tag (RFC 7714 §14.2). */
    public static final int TAG_LENGTH = 16;
    private static final int TAG_BITS = TAG_LENGTH * 8;

    private final Cipher cipher;
    private final SecretKeySpec rtpKey;
    private final SecretKeySpec rtcpKey;
    private final byte[] rtpSalt;
    private final byte[] rtcpSalt;
    private final byte[] iv = new byte[SALT_LENGTH];
    private final byte[] lastIv = new byte[SALT_LENGTH];
    private final byte[] rtcpAad = new byte[RTCP_CLEAR_PREFIX + SRTCP_INDEX_LENGTH];
    private final PacketIndices indices = new PacketIndices();
    private SecretKeySpec lastKey;

    public AesGcmTransform(byte[] masterKey, byte[] masterSalt) {
        if (masterKey.length != KEY_LENGTH || masterSalt.length != SALT_LENGTH) {
            throw new IllegalArgumentException("AES-128-GCM needs a 16-byte key and a 12-byte salt");
        }
        this.rtpKey = new SecretKeySpec(SrtpKeyDerivation.derive(masterKey, masterSalt,
                SrtpKeyDerivation.LABEL_RTP_ENCRYPTION, KEY_LENGTH), "AES");
        this.rtcpKey = new SecretKeySpec(SrtpKeyDerivation.derive(masterKey, masterSalt,
                SrtpKeyDerivation.LABEL_RTCP_ENCRYPTION, KEY_LENGTH), "AES");
        this.rtpSalt = SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTP_SALT,
                SALT_LENGTH);
        this.rtcpSalt = SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTCP_SALT,
                SALT_LENGTH);
        this.cipher = newCipher();
    }

    /** For the RFC 7714 §16 vectors, which are given with session keys and salts rather than master ones. */
    static AesGcmTransform withSessionKeys(byte[] sessionKey, byte[] sessionSalt) {
        return new AesGcmTransform(sessionKey, sessionSalt, true);
    }

    private AesGcmTransform(byte[] sessionKey, byte[] sessionSalt, boolean sessionKeys) {
        this.rtpKey = new SecretKeySpec(sessionKey, "AES");
        this.rtcpKey = rtpKey;
        this.rtpSalt = sessionSalt.clone();
        this.rtcpSalt = sessionSalt.clone();
        this.cipher = newCipher();
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM is part of every JDK", e);
        }
    }

    @Override
    public int tagLength() {
        return TAG_LENGTH;
    }

    @Override
    public int protectRtp(byte[] p, int offset, int length) {
        int header = indices.readRtp(p, offset, length);
        if (header < 0) {
            return MALFORMED;
        }
        indices.acceptRtp();
        rtpIv(indices.ssrc(), indices.index());
        try {
            initEncrypt(rtpKey);
            cipher.updateAAD(p, offset, header);
            return header + cipher.doFinal(p, offset + header, length - header, p, offset + header);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("GCM encryption cannot fail with valid sizes", e);
        }
    }

    @Override
    public int unprotectRtp(byte[] p, int offset, int length) {
        int header = indices.readRtp(p, offset, Math.max(0, length - TAG_LENGTH));
        if (header < 0) {
            return MALFORMED;
        }
        rtpIv(indices.ssrc(), indices.index());
        try {
            cipher.init(Cipher.DECRYPT_MODE, rtpKey, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(p, offset, header);
            int n = cipher.doFinal(p, offset + header, length - header, p, offset + header);
            indices.acceptRtp();
            return header + n;
        } catch (AEADBadTagException e) {
            return AUTH_FAILED;
        } catch (GeneralSecurityException e) {
            return MALFORMED;
        }
    }

    @Override
    public int protectRtcp(byte[] p, int offset, int length) {
        if (length < RTCP_CLEAR_PREFIX) {
            return MALFORMED;
        }
        int index = indices.nextSrtcpIndex();
        int ssrc = SrtpPackets.getInt(p, offset + 4);
        rtcpIv(ssrc, index);
        System.arraycopy(p, offset, rtcpAad, 0, RTCP_CLEAR_PREFIX);
        SrtpPackets.putInt(rtcpAad, RTCP_CLEAR_PREFIX, SRTCP_E_FLAG | index);
        try {
            initEncrypt(rtcpKey);
            cipher.updateAAD(rtcpAad);
            int n = cipher.doFinal(p, offset + RTCP_CLEAR_PREFIX, length - RTCP_CLEAR_PREFIX, p,
                    offset + RTCP_CLEAR_PREFIX);
            int end = RTCP_CLEAR_PREFIX + n;
            SrtpPackets.putInt(p, offset + end, SRTCP_E_FLAG | index);
            return end + SRTCP_INDEX_LENGTH;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("GCM encryption cannot fail with valid sizes", e);
        }
    }

    @Override
    public int unprotectRtcp(byte[] p, int offset, int length) {
        int end = length - SRTCP_INDEX_LENGTH;
        if (end - TAG_LENGTH < RTCP_CLEAR_PREFIX) {
            return MALFORMED;
        }
        int trailer = SrtpPackets.getInt(p, offset + end);
        if ((trailer & SRTCP_E_FLAG) == 0) {
            // Unencrypted SRTCP with GCM (RFC 7714 §9.2) is never negotiated by browsers; refuse it.
            return MALFORMED;
        }
        int ssrc = SrtpPackets.getInt(p, offset + 4);
        rtcpIv(ssrc, trailer & SRTCP_INDEX_MASK);
        System.arraycopy(p, offset, rtcpAad, 0, RTCP_CLEAR_PREFIX);
        SrtpPackets.putInt(rtcpAad, RTCP_CLEAR_PREFIX, trailer);
        try {
            cipher.init(Cipher.DECRYPT_MODE, rtcpKey, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(rtcpAad);
            return RTCP_CLEAR_PREFIX + cipher.doFinal(p, offset + RTCP_CLEAR_PREFIX, end - RTCP_CLEAR_PREFIX, p,
                    offset + RTCP_CLEAR_PREFIX);
        } catch (AEADBadTagException e) {
            return AUTH_FAILED;
        } catch (GeneralSecurityException e) {
            return MALFORMED;
        }
    }

    private void initEncrypt(SecretKeySpec key) throws GeneralSecurityException {
        if (key == lastKey && Arrays.equals(iv, lastIv)) {
            byte[] other = iv.clone();
            other[0] ^= 1;
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, other));
        }
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
        lastKey = key;
        System.arraycopy(iv, 0, lastIv, 0, SALT_LENGTH);
    }

    /** RFC 7714 §8.1: {@code (0x0000 || SSRC || ROC || SEQ) XOR salt}. */
    private void rtpIv(int ssrc, long index) {
        iv[0] = 0;
        iv[1] = 0;
        SrtpPackets.putInt(iv, 2, ssrc);
        SrtpPackets.putInt(iv, 6, (int) (index >>> 16));
        iv[10] = (byte) (index >>> 8);
        iv[11] = (byte) index;
        xorSalt(rtpSalt);
    }

    /** RFC 7714 §9.1: {@code (0x0000 || SSRC || 0x0000 || 0 || SRTCP index) XOR salt}. */
    private void rtcpIv(int ssrc, int index) {
        iv[0] = 0;
        iv[1] = 0;
        SrtpPackets.putInt(iv, 2, ssrc);
        iv[6] = 0;
        iv[7] = 0;
        SrtpPackets.putInt(iv, 8, index & SRTCP_INDEX_MASK);
        xorSalt(rtcpSalt);
    }

    private void xorSalt(byte[] salt) {
        for (int i = 0; i < SALT_LENGTH; i++) {
            iv[i] ^= salt[i];
        }
    }
}
