package dev.camrelay.webrtc.srtp;

/**
 * Single-threaded: one instance protects (or unprotects) one direction of one DTLS-SRTP session and is used only by
 * the thread that owns that direction (the sender loop, or a receiver).
 *
 * <p>Protects and unprotects RTP and RTCP packets in place (RFC 3711 §3.3, §3.4; RFC 7714 §8, §9). Protecting grows a
 * packet by {@link #rtpOverhead()} or {@link #rtcpOverhead()} bytes, so the caller's array needs that much room after
 * it. Failures are return values, never exceptions: a forged, truncated or garbled packet is a negative status the
 * caller counts and drops.
 */
public interface SrtpTransform {

    /** Unprotect: the authentication tag did not verify (forged, corrupted or keyed for another session). */
    int AUTH_FAILED = -1;
    /** Too short, or a header whose lengths overrun the packet. */
    int MALFORMED = -2;

    /** Length of the authentication tag each protected packet ends with (RFC 3711 §3.1; RFC 7714 §8.1, §9.1). */
    int tagLength();

    /** Bytes an SRTP packet is longer than its RTP packet: the tag (no MKI is ever negotiated). */
    default int rtpOverhead() {
        return tagLength();
    }

    /** Bytes an SRTCP packet is longer than its RTCP packet: the E flag with the SRTCP index, and the tag. */
    default int rtcpOverhead() {
        return SrtpPackets.SRTCP_INDEX_LENGTH + tagLength();
    }

    /**
     * Encrypts and authenticates the RTP packet at {@code packet[offset, offset + length)} in place.
     *
     * @return the SRTP packet's length, or {@link #MALFORMED}
     */
    int protectRtp(byte[] packet, int offset, int length);

    /**
     * Verifies and decrypts the SRTP packet in place.
     *
     * @return the RTP packet's length, or a negative status
     */
    int unprotectRtp(byte[] packet, int offset, int length);

    /** Encrypts and authenticates a compound RTCP packet in place; returns the SRTCP length or {@link #MALFORMED}. */
    int protectRtcp(byte[] packet, int offset, int length);

    /** Verifies and decrypts an SRTCP packet in place; returns the RTCP length or a negative status. */
    int unprotectRtcp(byte[] packet, int offset, int length);
}
