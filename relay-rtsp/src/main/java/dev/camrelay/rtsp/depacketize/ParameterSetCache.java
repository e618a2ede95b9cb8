package dev.camrelay.rtsp.depacketize;

import java.util.Arrays;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Threading: confined to the owning depacketizer's thread.
 *
 * <p>The latest parameter sets of a video track (H.264: SPS, PPS; H.265: VPS, SPS, PPS), from the SDP first and then
 * in-band, which wins (protocols.md 3.2). Fixed slots; storing copies bytes and allocates nothing.
 */
final class ParameterSetCache {

    /** Largest parameter set kept; real SPS/VPS are well under this (H.264 §7.3.2.1, H.265 §7.3.2). */
    static final int MAX_PARAMETER_SET_LENGTH = 1024;

    private final UnsafeBuffer[] sets;
    private final int[] lengths;
    private long updates;

    ParameterSetCache(int slots) {
        sets = new UnsafeBuffer[slots];
        lengths = new int[slots];
        for (int i = 0; i < slots; i++) {
            sets[i] = new UnsafeBuffer(new byte[MAX_PARAMETER_SET_LENGTH]);
        }
    }

    /** @return false (and keeps the old one) if the set is empty or longer than the limit */
    boolean store(int slot, DirectBuffer src, int offset, int length) {
        if (length <= 0 || length > MAX_PARAMETER_SET_LENGTH) {
            return false;
        }
        if (length != lengths[slot] || !equal(slot, src, offset, length)) {
            sets[slot].putBytes(0, src, offset, length);
            lengths[slot] = length;
            updates++;
        }
        return true;
    }

    private boolean equal(int slot, DirectBuffer src, int offset, int length) {
        UnsafeBuffer s = sets[slot];
        for (int i = 0; i < length; i++) {
            if (s.getByte(i) != src.getByte(offset + i)) {
                return false;
            }
        }
        return true;
    }

    int slots() {
        return sets.length;
    }

    boolean has(int slot) {
        return lengths[slot] > 0;
    }

    DirectBuffer buffer(int slot) {
        return sets[slot];
    }

    int length(int slot) {
        return lengths[slot];
    }

    byte[] copy(int slot) {
        byte[] b = new byte[lengths[slot]];
        sets[slot].getBytes(0, b);
        return b;
    }

    /** Times a stored set changed; a change of SPS may mean a new resolution (a new epoch). */
    long updates() {
        return updates;
    }

    void clear() {
        Arrays.fill(lengths, 0);
    }
}
