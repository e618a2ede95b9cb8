package dev.camrelay.webrtc.srtp;

/**
 * Single-threaded: owned by the one {@link SrtpTransform} it serves.
 *
 * <p>The 48-bit SRTP packet index {@code ROC * 2^16 + SEQ} per SSRC (RFC 3711 §3.3.1): the rollover counter is kept
 * per SSRC and a packet's index is estimated from the highest index seen so far as in Appendix A, so a retransmission
 * or a late packet from just before a wrap gets the ROC it was sent with. Up to {@link #MAX_SSRCS} SSRCs are tracked;
 * more (never the case for one WHEP session: one video SSRC) evict the oldest slot. No allocation after construction.
 */
final class RolloverCounters {

    /** SSRCs tracked per direction; a WHEP session has one video and at most one audio SSRC. */
    static final int MAX_SSRCS = 8;
    private static final int SEQ_HALF = 1 << 15;

    private final int[] ssrcs = new int[MAX_SSRCS];
    private final long[] highest = new long[MAX_SSRCS];
    private final boolean[] used = new boolean[MAX_SSRCS];
    private int nextEvict;

    /** The slot of {@code ssrc}, created (index starting at {@code seq}) if it is new. */
    int slot(int ssrc, int seq) {
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
    long estimate(int slot, int seq) {
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

    /** Records a packet index as sent or authenticated. */
    void update(int slot, long index) {
        if (index > highest[slot]) {
            highest[slot] = index;
        }
    }
}
