package dev.camrelay.webrtc.srtp;

import static dev.camrelay.webrtc.srtp.SrtpPackets.RTCP_CLEAR_PREFIX;
import static dev.camrelay.webrtc.srtp.SrtpPackets.SRTCP_E_FLAG;
import static dev.camrelay.webrtc.srtp.SrtpPackets.SRTCP_INDEX_LENGTH;
import static dev.camrelay.webrtc.srtp.SrtpPackets.SRTCP_INDEX_MASK;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * Single-threaded: one direction of one session, used by one thread.
 *
 * <p>SRTP_AES128_CM_HMAC_SHA1_80 (RFC 3711 §4.1.1, §4.2.1; RFC 5764 §4.1.2). Counter mode is computed here from AES
 * block encryptions of an ECB cipher, so the counter block is rebuilt in place per packet and no cipher is
 * re-initialised; HMAC-SHA1 runs on one reused {@link Mac}. Nothing is allocated per packet. Replay protection is not
 * done on unprotect (the relay only unprotects RTCP feedback, and a replayed NACK or PLI is rate-limited anyway).
 */
public final class AesCmHmacSha1Transform implements SrtpTransform {

    public static final int KEY_LENGTH = 16;
    public static final int SALT_LENGTH = 14;
    /** HMAC-SHA1 key length (RFC 3711 §4.2.1, n_a = 160). */
    public static final int AUTH_KEY_LENGTH = 20;
    /** 80-bit authentication tag (RFC 3711 §5.2). */
    public static final int TAG_LENGTH = 10;
    private static final int AES_BLOCK = 16;
    private static final int SHA1_LENGTH = 20;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    /** Counter blocks encrypted per JCE call: a whole 1500-byte datagram in one. */
    private static final int CHUNK_BLOCKS = 96;

    private final Cipher rtpAes;
    private final Cipher rtcpAes;
    private final Mac rtpMac;
    private final Mac rtcpMac;
    private final byte[] rtpSalt;
    private final byte[] rtcpSalt;
    private final byte[] counter = new byte[AES_BLOCK];
    private final byte[] counters = new byte[CHUNK_BLOCKS * AES_BLOCK];
    private final byte[] keystream = new byte[CHUNK_BLOCKS * AES_BLOCK];
    private final byte[] digest = new byte[SHA1_LENGTH];
    private final byte[] rocBytes = new byte[4];
    private final PacketIndices indices = new PacketIndices();

    public AesCmHmacSha1Transform(byte[] masterKey, byte[] masterSalt) {
        if (masterKey.length != KEY_LENGTH || masterSalt.length != SALT_LENGTH) {
            throw new IllegalArgumentException("AES-128-CM needs a 16-byte key and a 14-byte salt");
        }
        try {
            rtpAes = ecb(SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTP_ENCRYPTION,
                    KEY_LENGTH));
            rtcpAes = ecb(SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTCP_ENCRYPTION,
                    KEY_LENGTH));
            rtpMac = hmac(SrtpKeyDerivation.derive(masterKey, masterSalt,
                    SrtpKeyDerivation.LABEL_RTP_AUTHENTICATION, AUTH_KEY_LENGTH));
            rtcpMac = hmac(SrtpKeyDerivation.derive(masterKey, masterSalt,
                    SrtpKeyDerivation.LABEL_RTCP_AUTHENTICATION, AUTH_KEY_LENGTH));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES and HmacSHA1 are part of every JDK", e);
        }
        rtpSalt = SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTP_SALT, SALT_LENGTH);
        rtcpSalt = SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTCP_SALT, SALT_LENGTH);
    }

    private static Cipher ecb(byte[] key) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("AES/ECB/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
        return c;
    }

    private static Mac hmac(byte[] key) throws GeneralSecurityException {
        Mac m = Mac.getInstance("HmacSHA1");
        m.init(new SecretKeySpec(key, "HmacSHA1"));
        return m;
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
        crypt(rtpAes, rtpSalt, indices.ssrc(), indices.index(), p, offset + header, length - header);
        authenticate(rtpMac, p, offset, length, (int) (indices.index() >>> 16));
        System.arraycopy(digest, 0, p, offset + length, TAG_LENGTH);
        return length + TAG_LENGTH;
    }

    @Override
    public int unprotectRtp(byte[] p, int offset, int length) {
        int authenticated = length - TAG_LENGTH;
        int header = indices.readRtp(p, offset, Math.max(0, authenticated));
        if (header < 0) {
            return MALFORMED;
        }
        authenticate(rtpMac, p, offset, authenticated, (int) (indices.index() >>> 16));
        if (!SrtpPackets.tagEquals(digest, 0, p, offset + authenticated, TAG_LENGTH)) {
            return AUTH_FAILED;
        }
        indices.acceptRtp();
        crypt(rtpAes, rtpSalt, indices.ssrc(), indices.index(), p, offset + header, authenticated - header);
        return authenticated;
    }

    @Override
    public int protectRtcp(byte[] p, int offset, int length) {
        if (length < RTCP_CLEAR_PREFIX) {
            return MALFORMED;
        }
        int index = indices.nextSrtcpIndex();
        int ssrc = SrtpPackets.getInt(p, offset + 4);
        crypt(rtcpAes, rtcpSalt, ssrc, index, p, offset + RTCP_CLEAR_PREFIX, length - RTCP_CLEAR_PREFIX);
        SrtpPackets.putInt(p, offset + length, SRTCP_E_FLAG | index);
        int authenticated = length + SRTCP_INDEX_LENGTH;
        rtcpMac.update(p, offset, authenticated);
        finish(rtcpMac);
        System.arraycopy(digest, 0, p, offset + authenticated, TAG_LENGTH);
        return authenticated + TAG_LENGTH;
    }

    @Override
    public int unprotectRtcp(byte[] p, int offset, int length) {
        int authenticated = length - TAG_LENGTH;
        int end = authenticated - SRTCP_INDEX_LENGTH;
        if (end < RTCP_CLEAR_PREFIX) {
            return MALFORMED;
        }
        rtcpMac.update(p, offset, authenticated);
        finish(rtcpMac);
        if (!SrtpPackets.tagEquals(digest, 0, p, offset + authenticated, TAG_LENGTH)) {
            return AUTH_FAILED;
        }
        int trailer = SrtpPackets.getInt(p, offset + end);
        if ((trailer & SRTCP_E_FLAG) != 0) {
            int ssrc = SrtpPackets.getInt(p, offset + 4);
            crypt(rtcpAes, rtcpSalt, ssrc, trailer & SRTCP_INDEX_MASK, p, offset + RTCP_CLEAR_PREFIX,
                    end - RTCP_CLEAR_PREFIX);
        }
        return end;
    }

    /**
     * AES-CM (RFC 3711 §4.1.1): {@code IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16)}; keystream block j is
     * AES(IV + j), XORed over the payload. The counter blocks of up to {@link #CHUNK_BLOCKS} blocks are laid out
     * first and encrypted by one ECB call (one JCE call per block cost about 100 ns each, ten times the AES work).
     */
    private void crypt(Cipher aes, byte[] salt, int ssrc, long index, byte[] p, int from, int length) {
        System.arraycopy(salt, 0, counter, 0, SALT_LENGTH);
        counter[4] ^= (byte) (ssrc >>> 24);
        counter[5] ^= (byte) (ssrc >>> 16);
        counter[6] ^= (byte) (ssrc >>> 8);
        counter[7] ^= (byte) ssrc;
        for (int i = 0; i < 6; i++) {
            counter[8 + i] ^= (byte) (index >>> (40 - 8 * i));
        }
        int total = (length + AES_BLOCK - 1) / AES_BLOCK;
        // The IV in every block of the chunk (doubling copies), then each block's counter in its last two bytes.
        System.arraycopy(counter, 0, counters, 0, AES_BLOCK);
        int filled = AES_BLOCK;
        int needed = Math.min(CHUNK_BLOCKS, total) * AES_BLOCK;
        while (filled < needed) {
            int n = Math.min(filled, needed - filled);
            System.arraycopy(counters, 0, counters, filled, n);
            filled += n;
        }
        for (int block = 0, done = 0; done < length; ) {
            int blocks = Math.min(CHUNK_BLOCKS, total - block);
            for (int b = 0; b < blocks; b++, block++) {
                int at = b * AES_BLOCK;
                counters[at + 14] = (byte) (block >>> 8);
                counters[at + 15] = (byte) block;
            }
            try {
                aes.update(counters, 0, blocks * AES_BLOCK, keystream, 0);
            } catch (ShortBufferException e) {
                throw new IllegalStateException("keystream buffer holds a chunk", e);
            }
            int n = Math.min(blocks * AES_BLOCK, length - done);
            xor(p, from + done, keystream, n);
            done += n;
        }
    }

    /**
     * XORs the keystream over the payload, eight bytes at a time: the JIT does not vectorize the byte loop here
     * (it cannot rule out that both arrays are one), which cost 2 us of a 1200-byte packet; the long loop costs 0.15.
     */
    private static void xor(byte[] p, int from, byte[] keystream, int n) {
        int i = 0;
        for (; i + Long.BYTES <= n; i += Long.BYTES) {
            LONGS.set(p, from + i, (long) LONGS.get(p, from + i) ^ (long) LONGS.get(keystream, i));
        }
        for (; i < n; i++) {
            p[from + i] ^= keystream[i];
        }
    }

    /** HMAC-SHA1 over the authenticated portion and the ROC (RFC 3711 §4.2). */
    private void authenticate(Mac mac, byte[] p, int offset, int length, int roc) {
        mac.update(p, offset, length);
        SrtpPackets.putInt(rocBytes, 0, roc);
        mac.update(rocBytes, 0, 4);
        finish(mac);
    }

    private void finish(Mac mac) {
        try {
            mac.doFinal(digest, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException("digest buffer is 20 bytes", e);
        }
    }
}
