package dev.camrelay.webrtc.srtp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * Single-threaded: the counter-mode scratch of one transform, used only by the thread that owns that transform.
 *
 * <p>AES in counter mode (NIST SP 800-38A §6.5) from block encryptions of an {@code AES/ECB/NoPadding} cipher that is
 * initialised once per key, so nothing is re-initialised or allocated per packet (the JCE's AES/CTR and AES/GCM must
 * be initialised with a new parameter object for every IV). Counter block {@code j} is the initial block with its last
 * 32-bit word incremented {@code j} times modulo 2^32: GCM's {@code inc32} (SP 800-38D §6.2), and also AES-CM's
 * {@code IV + j} (RFC 3711 §4.1.1), whose IV has its low 16 bits zero and which is never asked for 2^16 blocks.
 *
 * <p>The counter blocks of up to {@link #CHUNK_BLOCKS} blocks are laid out first and encrypted by one ECB call (one
 * JCE call per block cost about 100 ns each, ten times the AES work), then the keystream is XORed over the data.
 */
final class AesCounterMode {

    static final int BLOCK = 16;
    /** Counter blocks encrypted per JCE call: a whole 1500-byte datagram in one. */
    static final int CHUNK_BLOCKS = 96;
    private static final int LAST_WORD = BLOCK - Integer.BYTES;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final VarHandle BIG_ENDIAN_INTS =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private final byte[] counters = new byte[CHUNK_BLOCKS * BLOCK];
    private final byte[] keystream = new byte[CHUNK_BLOCKS * BLOCK];

    /** An AES block cipher under {@code key} (16 bytes), for {@link #crypt} and {@link #encryptBlock}. */
    static Cipher ecb(byte[] key) {
        try {
            Cipher c = Cipher.getInstance("AES/ECB/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
            return c;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES is part of every JDK", e);
        }
    }

    /** {@code out[0, 16) = AES(in[0, 16))}. */
    static void encryptBlock(Cipher aes, byte[] in, byte[] out) {
        try {
            aes.update(in, 0, BLOCK, out, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException("one block in, one block out", e);
        }
    }

    /**
     * XORs the keystream {@code AES(cb), AES(inc32(cb)), ...} over {@code p[from, from + length)}, where {@code cb} is
     * {@code initialCounter[0, 16)}, which is left as it is.
     */
    void crypt(Cipher aes, byte[] initialCounter, byte[] p, int from, int length) {
        int total = (length + BLOCK - 1) / BLOCK;
        int base = (int) BIG_ENDIAN_INTS.get(initialCounter, LAST_WORD);
        // The initial block in every block of the chunk (doubling copies); each block's own last word below.
        System.arraycopy(initialCounter, 0, counters, 0, BLOCK);
        int filled = BLOCK;
        int needed = Math.min(CHUNK_BLOCKS, total) * BLOCK;
        while (filled < needed) {
            int n = Math.min(filled, needed - filled);
            System.arraycopy(counters, 0, counters, filled, n);
            filled += n;
        }
        for (int block = 0, done = 0; done < length; ) {
            int blocks = Math.min(CHUNK_BLOCKS, total - block);
            for (int b = 0; b < blocks; b++, block++) {
                BIG_ENDIAN_INTS.set(counters, b * BLOCK + LAST_WORD, base + block);
            }
            try {
                aes.update(counters, 0, blocks * BLOCK, keystream, 0);
            } catch (ShortBufferException e) {
                throw new IllegalStateException("keystream buffer holds a chunk", e);
            }
            int n = Math.min(blocks * BLOCK, length - done);
            xor(p, from + done, keystream, 0, n);
            done += n;
        }
    }

    /**
     * {@code dst[dstFrom, +n) ^= src[srcFrom, +n)}, eight bytes at a time: the JIT does not vectorize the byte loop
     * here (it cannot rule out that both arrays are one), which cost 2 us of a 1200-byte packet; the long loop 0.15.
     */
    static void xor(byte[] dst, int dstFrom, byte[] src, int srcFrom, int n) {
        int i = 0;
        for (; i + Long.BYTES <= n; i += Long.BYTES) {
            LONGS.set(dst, dstFrom + i, (long) LONGS.get(dst, dstFrom + i) ^ (long) LONGS.get(src, srcFrom + i));
        }
        for (; i < n; i++) {
            dst[dstFrom + i] ^= src[srcFrom + i];
        }
    }
}
