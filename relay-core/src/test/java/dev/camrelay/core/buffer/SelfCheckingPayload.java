package dev.camrelay.core.buffer;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Payload bytes that are a pure function of (sequence, index), so a reader can prove that a frame it was handed is
 * the whole frame with that sequence: a copy torn between two records, or a header of one frame over the payload of
 * another, fails {@link #isWhole}.
 */
final class SelfCheckingPayload {

    static void fill(MutableDirectBuffer dst, int offset, int length, long sequence) {
        for (int i = 0; i < length; i++) {
            dst.putByte(offset + i, byteAt(sequence, i));
        }
    }

    static byte[] bytes(int length, long sequence) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = byteAt(sequence, i);
        }
        return out;
    }

    static boolean isWhole(DirectBuffer src, int offset, int length, long sequence) {
        for (int i = 0; i < length; i++) {
            if (src.getByte(offset + i) != byteAt(sequence, i)) {
                return false;
            }
        }
        return true;
    }

    /** Byte {@code i} of frame {@code sequence}: one 64-bit mix per 8 bytes (SplitMix64's finalizer). */
    static byte byteAt(long sequence, int i) {
        return (byte) (mix(sequence * 0x9E3779B97F4A7C15L + (i >>> 3) + 1) >>> ((i & 7) * 8));
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private SelfCheckingPayload() {
    }
}
