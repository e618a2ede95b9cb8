package dev.camrelay.hls.codec;

import java.util.Arrays;

/**
 * MSB-first bit reader over an RBSP (emulation prevention already removed), with the Exp-Golomb {@code ue(v)} of
 * ITU-T H.264 §9.1 / H.265 §9.2. Reading past the end throws {@link IllegalArgumentException}: parameter sets are
 * control-plane input checked once per stream, never per frame.
 */
final class BitReader {

    private final byte[] data;
    private int bit;

    BitReader(byte[] data, int byteOffset) {
        this.data = data;
        this.bit = byteOffset * 8;
    }

    int bits(int count) {
        int value = 0;
        for (int i = 0; i < count; i++) {
            value = (value << 1) | bit();
        }
        return value;
    }

    long bitsLong(int count) {
        long value = 0;
        for (int i = 0; i < count; i++) {
            value = (value << 1) | bit();
        }
        return value;
    }

    void skip(int count) {
        bit += count;
    }

    int ue() {
        int zeros = 0;
        while (bit() == 0) {
            zeros++;
            if (zeros > 31) {
                throw new IllegalArgumentException("Exp-Golomb code too long");
            }
        }
        return (int) ((1L << zeros) - 1 + bitsLong(zeros));
    }

    private int bit() {
        final int index = bit >>> 3;
        if (index >= data.length) {
            throw new IllegalArgumentException("parameter set truncated at bit " + bit);
        }
        final int value = (data[index] >>> (7 - (bit & 7))) & 1;
        bit++;
        return value;
    }

    /** Removes emulation prevention bytes: {@code 00 00 03} becomes {@code 00 00} (H.264 §7.4.1, H.265 §7.4.2). */
    static byte[] unescape(byte[] nal) {
        byte[] out = new byte[nal.length];
        int n = 0;
        int zeros = 0;
        for (byte b : nal) {
            if (zeros >= 2 && b == 3) {
                zeros = 0;
                continue;
            }
            zeros = b == 0 ? zeros + 1 : 0;
            out[n++] = b;
        }
        return Arrays.copyOf(out, n);
    }
}
