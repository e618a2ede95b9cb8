package dev.camrelay.webrtc.srtp;

import static dev.camrelay.webrtc.srtp.SrtpPackets.RTCP_CLEAR_PREFIX;
import static dev.camrelay.webrtc.srtp.SrtpPackets.SRTCP_E_FLAG;
import static dev.camrelay.webrtc.srtp.SrtpPackets.SRTCP_INDEX_LENGTH;
import static dev.camrelay.webrtc.srtp.SrtpPackets.SRTCP_INDEX_MASK;

/**
 * Single-threaded: one direction of one session, used by one thread.
 *
 * <p>AEAD_AES_128_GCM for SRTP and SRTCP (RFC 7714): the RTP header is the associated data and the payload is
 * encrypted, followed by a 16-byte tag (§8.1); SRTCP authenticates the first 8 bytes and the E flag with SRTCP index,
 * encrypts the rest, and ends with the tag and then the index (§9). The 12-byte IV is the session salt XORed with
 * {@code 0x0000 || SSRC || ROC || SEQ} (§8.1) or {@code 0x0000 || SSRC || 0x0000 || SRTCP index} (§9.1).
 *
 * <p>GCM itself is an {@link AesGcm} per key, composed from the JCE's AES and BouncyCastle's GHASH multiplier
 * because the JCE's GCM allocated about 1 KB per packet for its per-IV initialisation. Nothing is allocated per
 * packet. A NACK answered at once protects the same packet under the same index again, which gives the same bytes:
 * the IV repeats only with the same plaintext, so nothing leaks (the JCE's GCM refused that, which needed a
 * throwaway IV in between).
 */
public final class AesGcmTransform implements SrtpTransform {

    public static final int KEY_LENGTH = 16;
    public static final int SALT_LENGTH = 12;
    /** 16-byte authentication tag (RFC 7714 §14.2). */
    public static final int TAG_LENGTH = 16;

    private final AesCounterMode ctr = new AesCounterMode();
    private final AesGcm rtp;
    private final AesGcm rtcp;
    private final byte[] rtpSalt;
    private final byte[] rtcpSalt;
    private final byte[] iv = new byte[AesGcm.IV_LENGTH];
    private final byte[] rtcpAad = new byte[RTCP_CLEAR_PREFIX + SRTCP_INDEX_LENGTH];
    private final PacketIndices indices = new PacketIndices();

    public AesGcmTransform(byte[] masterKey, byte[] masterSalt) {
        if (masterKey.length != KEY_LENGTH || masterSalt.length != SALT_LENGTH) {
            throw new IllegalArgumentException("AES-128-GCM needs a 16-byte key and a 12-byte salt");
        }
        this.rtp = new AesGcm(SrtpKeyDerivation.derive(masterKey, masterSalt,
                SrtpKeyDerivation.LABEL_RTP_ENCRYPTION, KEY_LENGTH), ctr);
        this.rtcp = new AesGcm(SrtpKeyDerivation.derive(masterKey, masterSalt,
                SrtpKeyDerivation.LABEL_RTCP_ENCRYPTION, KEY_LENGTH), ctr);
        this.rtpSalt = SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTP_SALT,
                SALT_LENGTH);
        this.rtcpSalt = SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTCP_SALT,
                SALT_LENGTH);
    }

    /** For the RFC 7714 §16 and §17 vectors, which are given with session keys and salts rather than master ones. */
    static AesGcmTransform withSessionKeys(byte[] sessionKey, byte[] sessionSalt) {
        return new AesGcmTransform(sessionKey, sessionSalt, true);
    }

    private AesGcmTransform(byte[] sessionKey, byte[] sessionSalt, boolean sessionKeys) {
        this.rtp = new AesGcm(sessionKey, ctr);
        this.rtcp = rtp;
        this.rtpSalt = sessionSalt.clone();
        this.rtcpSalt = sessionSalt.clone();
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
        rtp.seal(iv, p, offset, header, p, offset + header, length - header, p, offset + length);
        return length + TAG_LENGTH;
    }

    @Override
    public int unprotectRtp(byte[] p, int offset, int length) {
        int sealed = length - TAG_LENGTH;
        int header = indices.readRtp(p, offset, Math.max(0, sealed));
        if (header < 0) {
            return MALFORMED;
        }
        rtpIv(indices.ssrc(), indices.index());
        if (!rtp.open(iv, p, offset, header, p, offset + header, sealed - header, p, offset + sealed)) {
            return AUTH_FAILED;
        }
        indices.acceptRtp();
        return sealed;
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
        rtcp.seal(iv, rtcpAad, 0, rtcpAad.length, p, offset + RTCP_CLEAR_PREFIX, length - RTCP_CLEAR_PREFIX, p,
                offset + length);
        int end = length + TAG_LENGTH;
        SrtpPackets.putInt(p, offset + end, SRTCP_E_FLAG | index);
        return end + SRTCP_INDEX_LENGTH;
    }

    @Override
    public int unprotectRtcp(byte[] p, int offset, int length) {
        int end = length - SRTCP_INDEX_LENGTH;
        int sealed = end - TAG_LENGTH;
        if (sealed < RTCP_CLEAR_PREFIX) {
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
        if (!rtcp.open(iv, rtcpAad, 0, rtcpAad.length, p, offset + RTCP_CLEAR_PREFIX, sealed - RTCP_CLEAR_PREFIX, p,
                offset + sealed)) {
            return AUTH_FAILED;
        }
        return sealed;
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
        for (int i = 0; i < AesGcm.IV_LENGTH; i++) {
            iv[i] ^= salt[i];
        }
    }
}
