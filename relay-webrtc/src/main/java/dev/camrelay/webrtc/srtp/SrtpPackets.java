package dev.camrelay.webrtc.srtp;

/** Header arithmetic shared by both transforms (RFC 3550 §5.1, §5.3.1, §6.1). Stateless. */
final class SrtpPackets {

    static final int RTP_FIXED_HEADER = 12;
    /** SRTCP encrypts from after the first RTCP header and sender SSRC (RFC 3711 §3.4). */
    static final int RTCP_CLEAR_PREFIX = 8;
    /** E flag and 31-bit SRTCP index (RFC 3711 §3.4). */
    static final int SRTCP_INDEX_LENGTH = 4;
    static final int SRTCP_E_FLAG = 0x8000_0000;
    static final int SRTCP_INDEX_MASK = 0x7FFF_FFFF;

    private SrtpPackets() {
    }

    /** Length of the RTP header with CSRCs and extension, or -1 when it overruns {@code length} or is not RTP v2. */
    static int rtpHeaderLength(byte[] p, int offset, int length) {
        if (length < RTP_FIXED_HEADER || (p[offset] & 0xC0) != 0x80) {
            return -1;
        }
        int header = RTP_FIXED_HEADER + 4 * (p[offset] & 0x0F);
        if ((p[offset] & 0x10) != 0) {
            if (header + 4 > length) {
                return -1;
            }
            int words = ((p[offset + header + 2] & 0xFF) << 8) | (p[offset + header + 3] & 0xFF);
            header += 4 + 4 * words;
        }
        return header <= length ? header : -1;
    }

    static int sequence(byte[] p, int offset) {
        return ((p[offset + 2] & 0xFF) << 8) | (p[offset + 3] & 0xFF);
    }

    static int getInt(byte[] p, int at) {
        return ((p[at] & 0xFF) << 24) | ((p[at + 1] & 0xFF) << 16) | ((p[at + 2] & 0xFF) << 8) | (p[at + 3] & 0xFF);
    }

    static void putInt(byte[] p, int at, int value) {
        p[at] = (byte) (value >>> 24);
        p[at + 1] = (byte) (value >>> 16);
        p[at + 2] = (byte) (value >>> 8);
        p[at + 3] = (byte) value;
    }

    /** Constant-time comparison of two tags. */
    static boolean tagEquals(byte[] a, int aOffset, byte[] b, int bOffset, int length) {
        int diff = 0;
        for (int i = 0; i < length; i++) {
            diff |= a[aOffset + i] ^ b[bOffset + i];
        }
        return diff == 0;
    }
}
