package dev.camrelay.webrtc.cc;

import java.util.Arrays;

/**
 * Single-threaded: owned by the sender of one session (one transport), which numbers, sends and later reads the
 * feedback about its packets.
 *
 * <p>Transport-wide sequence numbers (draft-holmer-rmcat-transport-wide-cc-extensions-01 §2: one 16-bit counter per
 * transport across all its SSRCs, retransmissions included) and, per number, when the packet was sent and how long
 * it was, so feedback can be matched to what was sent. Preallocated; allocates nothing.
 */
public final class TransportSequenceHistory {

    /**
     * Packets remembered: feedback arrives within a few hundred ms, by when at 10 Mbit/s about 300 packets went
     * out; a power of two for masking.
     */
    public static final int CAPACITY = 4096;
    private static final int MASK = CAPACITY - 1;

    private final int[] sequences = new int[CAPACITY];
    private final long[] sentNanos = new long[CAPACITY];
    private final int[] sizes = new int[CAPACITY];
    private int next;

    /** @param initialSequence the first number (any; RTP-style random start is fine) */
    public TransportSequenceHistory(int initialSequence) {
        Arrays.fill(sequences, -1);
        next = initialSequence & 0xFFFF;
    }

    /** Numbers the next packet and records its send time and size (bytes on the wire). */
    public int onSend(int size, long nowNanos) {
        int sequence = next;
        next = (next + 1) & 0xFFFF;
        int slot = sequence & MASK;
        sequences[slot] = sequence;
        sentNanos[slot] = nowNanos;
        sizes[slot] = size;
        return sequence;
    }

    /** Whether {@code sequence} is still remembered. */
    public boolean contains(int sequence) {
        return sequences[sequence & MASK] == (sequence & 0xFFFF);
    }

    /** Send time of a remembered packet ({@link #contains} first). */
    public long sentNanos(int sequence) {
        return sentNanos[sequence & MASK];
    }

    /** Size of a remembered packet ({@link #contains} first). */
    public int size(int sequence) {
        return sizes[sequence & MASK];
    }

    /** The number the next packet gets. */
    public int nextSequence() {
        return next;
    }
}
