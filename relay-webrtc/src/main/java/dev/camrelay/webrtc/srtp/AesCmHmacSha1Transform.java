package dev.camrelay.webrtc.srtp;

import static dev.camrelay.webrtc.srtp.SrtpPackets.RTCP_CLEAR_PREFIX;
import static dev.camrelay.webrtc.srtp.SrtpPackets.SRTCP_E_FLAG;
import static dev.camrelay.webrtc.srtp.SrtpPackets.SRTCP_INDEX_LENGTH;
import static dev.camrelay.webrtc.srtp.SrtpPackets.SRTCP_INDEX_MASK;

import javax.crypto.Cipher;

/**
 * Single-threaded: one direction of one session, used by one thread.
 *
 * <p>SRTP_AES128_CM_HMAC_SHA1_80 (RFC 3711 §4.1.1, §4.2.1; RFC 5764 §4.1.2). Counter mode runs on an ECB cipher per
 * key ({@link AesCounterMode}), so the counter block is rebuilt in place per packet and no cipher is re-initialised;
 * HMAC-SHA1 is an {@link HmacSha1} per key, on the JDK's SHA-1. Nothing is allocated per packet. Replay protection
 * is not done on unprotect (the relay only unprotects RTCP feedback, and a replayed NACK or PLI is rate-limited
 * anyway).
 */
public final class AesCmHmacSha1Transform implements SrtpTransform {

    public static final int KEY_LENGTH = 16;
    public static final int SALT_LENGTH = 14;
    /** HMAC-SHA1 key length (RFC 3711 §4.2.1, n_a = 160). */
    public static final int AUTH_KEY_LENGTH = 20;
    /** 80-bit authentication tag (RFC 3711 §5.2). */
    public static final int TAG_LENGTH = 10;

    private final Cipher rtpAes;
    private final Cipher rtcpAes;
    private final HmacSha1 rtpMac;
    private final HmacSha1 rtcpMac;
    private final byte[] rtpSalt;
    private final byte[] rtcpSalt;
    private final byte[] counter = new byte[AesCounterMode.BLOCK];
    private final AesCounterMode ctr = new AesCounterMode();
    private final PacketIndices indices = new PacketIndices();

    public AesCmHmacSha1Transform(byte[] masterKey, byte[] masterSalt) {
        if (masterKey.length != KEY_LENGTH || masterSalt.length != SALT_LENGTH) {
            throw new IllegalArgumentException("AES-128-CM needs a 16-byte key and a 14-byte salt");
        }
        rtpAes = AesCounterMode.ecb(SrtpKeyDerivation.derive(masterKey, masterSalt,
                SrtpKeyDerivation.LABEL_RTP_ENCRYPTION, KEY_LENGTH));
        rtcpAes = AesCounterMode.ecb(SrtpKeyDerivation.derive(masterKey, masterSalt,
                SrtpKeyDerivation.LABEL_RTCP_ENCRYPTION, KEY_LENGTH));
        rtpMac = new HmacSha1(SrtpKeyDerivation.derive(masterKey, masterSalt,
                SrtpKeyDerivation.LABEL_RTP_AUTHENTICATION, AUTH_KEY_LENGTH));
        rtcpMac = new HmacSha1(SrtpKeyDerivation.derive(masterKey, masterSalt,
                SrtpKeyDerivation.LABEL_RTCP_AUTHENTICATION, AUTH_KEY_LENGTH));
        rtpSalt = SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTP_SALT, SALT_LENGTH);
        rtcpSalt = SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTCP_SALT, SALT_LENGTH);
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
        authenticate(p, offset, length, (int) (indices.index() >>> 16));
        rtpMac.finish(p, offset + length, TAG_LENGTH);
        return length + TAG_LENGTH;
    }

    @Override
    public int unprotectRtp(byte[] p, int offset, int length) {
        int authenticated = length - TAG_LENGTH;
        int header = indices.readRtp(p, offset, Math.max(0, authenticated));
        if (header < 0) {
            return MALFORMED;
        }
        authenticate(p, offset, authenticated, (int) (indices.index() >>> 16));
        if (!rtpMac.finishMatches(p, offset + authenticated, TAG_LENGTH)) {
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
        rtcpMac.start();
        rtcpMac.update(p, offset, authenticated);
        rtcpMac.finish(p, offset + authenticated, TAG_LENGTH);
        return authenticated + TAG_LENGTH;
    }

    @Override
    public int unprotectRtcp(byte[] p, int offset, int length) {
        int authenticated = length - TAG_LENGTH;
        int end = authenticated - SRTCP_INDEX_LENGTH;
        if (end < RTCP_CLEAR_PREFIX) {
            return MALFORMED;
        }
        rtcpMac.start();
        rtcpMac.update(p, offset, authenticated);
        if (!rtcpMac.finishMatches(p, offset + authenticated, TAG_LENGTH)) {
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
     * AES(IV + j), XORed over the payload.
     */
    private void crypt(Cipher aes, byte[] salt, int ssrc, long index, byte[] p, int from, int length) {
        System.arraycopy(salt, 0, counter, 0, SALT_LENGTH);
        counter[SALT_LENGTH] = 0;
        counter[SALT_LENGTH + 1] = 0;
        counter[4] ^= (byte) (ssrc >>> 24);
        counter[5] ^= (byte) (ssrc >>> 16);
        counter[6] ^= (byte) (ssrc >>> 8);
        counter[7] ^= (byte) ssrc;
        for (int i = 0; i < 6; i++) {
            counter[8 + i] ^= (byte) (index >>> (40 - 8 * i));
        }
        ctr.crypt(aes, counter, p, from, length);
    }

    /** Starts the RTP MAC over the authenticated portion and the ROC (RFC 3711 §4.2); the caller finishes it. */
    private void authenticate(byte[] p, int offset, int length, int roc) {
        rtpMac.start();
        rtpMac.update(p, offset, length);
        rtpMac.updateInt(roc);
    }
}
