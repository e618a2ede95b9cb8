package dev.camrelay.core.codec.h264;

/**
 * Threading: confined to one thread.
 *
 * <p>Reads bits and Exp-Golomb codes (H.264 9.1; the same codes as H.265 9.2) from an RBSP, most significant bit
 * first. Reading past the end throws {@link IllegalArgumentException}: callers parse untrusted parameter sets and
 * turn that into "not parseable". Used by the H.264 and the H.265 parameter-set parsers and the AAC configuration
 * parsers.
 */
public final class BitReader {

    private final byte[] data;
    private int bit;

    public BitReader(byte[] data, int startByte) {
        this.data = data;
        this.bit = startByte * 8;
    }

    /** u(n), n at most 31. */
    public int u(int n) {
        int v = 0;
        for (int i = 0; i < n; i++) {
            if (bit >= data.length * 8) {
                throw new IllegalArgumentException("parameter set ends early");
            }
            v = (v << 1) | ((data[bit >> 3] >> (7 - (bit & 7))) & 1);
            bit++;
        }
        return v;
    }

    public boolean flag() {
        return u(1) == 1;
    }

    /** ue(v); at most 31 leading zeros (a 32-bit code number), more is malformed. */
    public int ue() {
        int zeros = 0;
        while (u(1) == 0) {
            if (++zeros > 31) {
                throw new IllegalArgumentException("Exp-Golomb code too long");
            }
        }
        return (int) ((1L << zeros) - 1 + (zeros == 0 ? 0 : u(zeros) & 0xffffffffL));
    }

    /** Bits read so far, from the start of the data. */
    public int position() {
        return bit;
    }

    public int se() {
        int k = ue();
        return (k & 1) == 1 ? (k + 1) / 2 : -(k / 2);
    }
}
