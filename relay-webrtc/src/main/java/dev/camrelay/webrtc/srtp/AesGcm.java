package dev.camrelay.webrtc.srtp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import javax.crypto.Cipher;
import org.bouncycastle.crypto.modes.gcm.GCMMultiplier;
import org.bouncycastle.crypto.modes.gcm.Tables8kGCMMultiplier;

/**
 * Single-threaded: one key, used only by the thread that owns its transform (whose counter-mode scratch it shares).
 *
 * <p>AES-GCM (NIST SP 800-38D) with a 96-bit IV and a 128-bit tag, as RFC 7714 uses it. The JCE's
 * {@code AES/GCM/NoPadding} has to be initialised with a new {@code GCMParameterSpec} for each packet's IV, which
 * allocated about 1 KB per packet (its GHASH state among it), so GCM is composed here from two primitives that are
 * set up once per key and keep no per-packet objects: the key stream from the JCE's AES ({@link AesCounterMode} over
 * {@code AES/ECB/NoPadding}, AES-NI), and GHASH from BouncyCastle's {@link Tables8kGCMMultiplier}, initialised with
 * {@code H = AES_K(0^128)}. Tests check it byte for byte against the JCE's GCM and the RFC 7714 vectors.
 *
 * <p>With {@code J0 = IV || 0^31 || 1} (§7.1): sealing computes {@code C = GCTR(inc32(J0), P)}, then
 * {@code S = GHASH(A || 0^v || C || 0^u || [len(A)]64 || [len(C)]64)} and {@code T = AES_K(J0) XOR S}. Opening (§7.2)
 * computes the tag over the received {@code C} first, compares it in constant time, and only then decrypts, so a
 * forged packet is left exactly as it came.
 *
 * <p>The price is time: GHASH from tables costs about 25 ns per 16-byte block on the 2-core test machine, where the
 * JCE's GCM uses the CPU's carry-less multiply, so a 1174-byte packet takes 2.1 us at best against the JCE's 0.47
 * (docs/benchmarks.md). {@link Tables8kGCMMultiplier} (about 18 KB of heap per key) measured 1.65 times as fast as
 * the 4 KB-table one (about 9 KB); the 64 KB one was barely faster again, the table-free one half as fast.
 */
final class AesGcm {

    /** The 96-bit IV RFC 7714 §8.1 builds (SP 800-38D §5.2.1.1's recommended length). */
    static final int IV_LENGTH = 12;
    /** Full 128-bit tag (RFC 7714 §14.2). */
    static final int TAG_LENGTH = 16;
    private static final int BLOCK = AesCounterMode.BLOCK;
    private static final VarHandle BIG_ENDIAN_LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final Cipher aes;
    private final GCMMultiplier ghash = new Tables8kGCMMultiplier();
    private final AesCounterMode ctr;
    /** J0, then inc32(J0) for the payload's key stream. */
    private final byte[] counter = new byte[BLOCK];
    /** The GHASH state, then the tag. */
    private final byte[] state = new byte[BLOCK];
    /** AES_K(J0). */
    private final byte[] tagMask = new byte[BLOCK];

    /** @param key 16-byte AES-128 key; {@code ctr} may be shared with other keys of the same thread. */
    AesGcm(byte[] key, AesCounterMode ctr) {
        this.aes = AesCounterMode.ecb(key);
        this.ctr = ctr;
        byte[] h = new byte[BLOCK];
        AesCounterMode.encryptBlock(aes, h, h);
        ghash.init(h);
    }

    /**
     * Encrypts {@code p[from, +length)} in place and writes the 16-byte tag over it and
     * {@code aad[aadFrom, +aadLength)} at {@code tagOut[tagFrom]}. The associated data may be the bytes just before
     * the plaintext.
     */
    void seal(byte[] iv, byte[] aad, int aadFrom, int aadLength, byte[] p, int from, int length, byte[] tagOut,
              int tagFrom) {
        startCounter(iv);
        ctr.crypt(aes, counter, p, from, length);
        tag(aad, aadFrom, aadLength, p, from, length);
        System.arraycopy(state, 0, tagOut, tagFrom, TAG_LENGTH);
    }

    /**
     * Checks the tag at {@code tag[tagFrom, +16)} over {@code aad[aadFrom, +aadLength)} and the ciphertext
     * {@code p[from, +length)}, and only if it verifies decrypts the ciphertext in place.
     *
     * @return whether the tag verified; if not, nothing was written
     */
    boolean open(byte[] iv, byte[] aad, int aadFrom, int aadLength, byte[] p, int from, int length, byte[] tag,
                 int tagFrom) {
        startCounter(iv);
        tag(aad, aadFrom, aadLength, p, from, length);
        if (!SrtpPackets.tagEquals(state, 0, tag, tagFrom, TAG_LENGTH)) {
            return false;
        }
        ctr.crypt(aes, counter, p, from, length);
        return true;
    }

    /** {@code tagMask = AES_K(J0)}, leaving {@code counter = inc32(J0)} (SP 800-38D §7.1 steps 2-3). */
    private void startCounter(byte[] iv) {
        System.arraycopy(iv, 0, counter, 0, IV_LENGTH);
        counter[12] = 0;
        counter[13] = 0;
        counter[14] = 0;
        counter[15] = 1;
        AesCounterMode.encryptBlock(aes, counter, tagMask);
        counter[15] = 2;
    }

    /** {@code state = AES_K(J0) XOR GHASH(A, C)} (SP 800-38D §7.1 steps 4-6). */
    private void tag(byte[] aad, int aadFrom, int aadLength, byte[] c, int from, int length) {
        Arrays.fill(state, (byte) 0);
        absorb(aad, aadFrom, aadLength);
        absorb(c, from, length);
        BIG_ENDIAN_LONGS.set(state, 0, (long) BIG_ENDIAN_LONGS.get(state, 0) ^ ((long) aadLength << 3));
        BIG_ENDIAN_LONGS.set(state, Long.BYTES, (long) BIG_ENDIAN_LONGS.get(state, Long.BYTES) ^ ((long) length << 3));
        ghash.multiplyH(state);
        AesCounterMode.xor(state, 0, tagMask, 0, BLOCK);
    }

    /** GHASH over {@code b[from, +length)} zero-padded to whole blocks: {@code Y = (Y XOR X_i) * H}. */
    private void absorb(byte[] b, int from, int length) {
        int end = from + length;
        int at = from;
        for (; at + BLOCK <= end; at += BLOCK) {
            AesCounterMode.xor(state, 0, b, at, BLOCK);
            ghash.multiplyH(state);
        }
        if (at < end) {
            AesCounterMode.xor(state, 0, b, at, end - at);
            ghash.multiplyH(state);
        }
    }
}
