package dev.camrelay.webrtc.srtp;

/**
 * Single-threaded: owned by the one {@link SrtpTransform} it serves.
 *
 * <p>The packet indices of one direction of one session, which both transforms key their cipher with:
 * <ul>
 *   <li>SRTP: the 48-bit index {@code ROC * 2^16 + SEQ} per SSRC (RFC 3711 §3.3.1). The rollover counter is kept per
 *   SSRC and a packet's index is estimated from the highest index seen so far as in Appendix A, so a retransmission
 *   or a late packet from just before a wrap gets the ROC it was sent with. Up to {@link #MAX_SSRCS} SSRCs are
 *   tracked; more (never the case for one WHEP session: one video SSRC) evict the oldest slot.</li>
 *   <li>SRTCP: the 31-bit index the sender counts up per packet (RFC 3711 §3.4).</li>
 * </ul>
 * {@link #readRtp} is a flyweight read: it leaves the packet's SSRC and index estimate here until the next read, and
 * {@link #acceptRtp} records that index once the packet is sent or authenticated. No allocation after construction.
 */
final class PacketIndices {

    /** SSRCs tracked per direction; a WHEP session has one video, one RTX and at most one audio SSRC. */
    static final int MAX_SSRCS = 8;
    private static final int SEQ_HALF = 1 << 15;

    private final int[] ssrcs = new int[MAX_SSRCS];
    private final long[] highest = new long[MAX_SSRCS];
    private final boolean[] used = new boolean[MAX_SSRCS];
    private int nextEvict;
    private int srtcpIndex;
    private int slot;
    private int ssrc;
    private long index;

    /**
     * Reads the RTP packet at {@code p[offset, offset + length)}: its SSRC and the estimate of its index.
     *
     * @return the RTP header's length (CSRCs and extension included), or -1 when the header is not RTP v2 or overruns
     *     {@code length}
     */
    int readRtp(byte[] p, int offset, int length) {
        int header = SrtpPackets.rtpHeaderLength(p, offset, length);
        if (header < 0) {
            return -1;
        }
        ssrc = SrtpPackets.getInt(p, offset + 8);
        int seq = SrtpPackets.sequence(p, offset);
        slot = slot(ssrc, seq);
        index = estimate(slot, seq);
        return header;
    }

    /** SSRC of the packet last read. */
    int ssrc() {
        return ssrc;
    }

    /** Estimated index of the packet last read (RFC 3711 Appendix A). */
    long index() {
        return index;
    }

    /** Records the index of the packet last read as sent or authenticated. */
    void acceptRtp() {
        if (index > highest[slot]) {
            highest[slot] = index;
        }
    }

    /** The SRTCP index of the next packet protected (RFC 3711 §3.4: 31 bits, wrapping). */
    int nextSrtcpIndex() {
        int next = srtcpIndex;
        srtcpIndex = (srtcpIndex + 1) & SrtpPackets.SRTCP_INDEX_MASK;
        return next;
    }

    /** The slot of {@code ssrc}, created (index starting at {@code seq}) if it is new. */
    private int slot(int ssrc, int seq) {
        for (int i = 0; i < MAX_SSRCS; i++) {
            if (used[i] && ssrcs[i] == ssrc) {
                return i;
            }
        }
        int free = -1;
        for (int i = 0; i < MAX_SSRCS && free < 0; i++) {
            if (!used[i]) {
                free = i;
            }
        }
        if (free < 0) {
            free = nextEvict;
            nextEvict = (nextEvict + 1) % MAX_SSRCS;
        }
        used[free] = true;
        ssrcs[free] = ssrc;
        highest[free] = seq;
        return free;
    }

    /** The index estimate for {@code seq} (RFC 3711 Appendix A). */
    private long estimate(int slot, int seq) {
        long top = highest[slot];
        long roc = top >>> 16;
        int last = (int) (top & 0xFFFF);
        long v;
        if (last < SEQ_HALF) {
            v = seq - last > SEQ_HALF ? roc - 1 : roc;
        } else {
            v = last - SEQ_HALF > seq ? roc + 1 : roc;
        }
        return (Math.max(0, v) << 16) | seq;
    }
}
