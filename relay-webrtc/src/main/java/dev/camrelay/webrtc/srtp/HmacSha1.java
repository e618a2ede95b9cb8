package dev.camrelay.webrtc.srtp;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Single-threaded: one key's MAC, used only by the thread that owns its transform.
 *
 * <p>HMAC-SHA1 (RFC 2104 §2) over the JDK's SHA-1 {@link MessageDigest}, which uses the CPU's SHA instructions where
 * there are any. The key XOR ipad and key XOR opad blocks are computed once per key; a MAC is
 * {@code H(K XOR opad || H(K XOR ipad || text))}, both hashes written into a reused array by
 * {@link MessageDigest#digest(byte[], int, int)}, so nothing is allocated per message. It replaces the JCE's
 * {@code Mac}, whose {@code doFinal(byte[], int)} copies the result out of a new 20-byte array each call (40 B per
 * packet); BouncyCastle's {@code HMac} does not allocate but hashes in Java, about four times slower.
 *
 * <p>A message is {@link #start}, any number of {@code update}s, then {@link #finish} or {@link #finishMatches}.
 */
final class HmacSha1 {

    /** Output length of SHA-1, L in RFC 2104 §2. */
    static final int LENGTH = 20;
    /** Block length of SHA-1, B in RFC 2104 §2; longer keys are hashed first. */
    static final int BLOCK_LENGTH = 64;
    private static final byte IPAD = 0x36;
    private static final byte OPAD = 0x5C;

    private final MessageDigest sha1;
    private final byte[] innerPad = new byte[BLOCK_LENGTH];
    private final byte[] outerPad = new byte[BLOCK_LENGTH];
    private final byte[] mac = new byte[LENGTH];
    private final byte[] word = new byte[Integer.BYTES];

    HmacSha1(byte[] key) {
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JDK", e);
        }
        byte[] k = key.length > BLOCK_LENGTH ? sha1.digest(key) : key;
        for (int i = 0; i < BLOCK_LENGTH; i++) {
            byte b = i < k.length ? k[i] : 0;
            innerPad[i] = (byte) (b ^ IPAD);
            outerPad[i] = (byte) (b ^ OPAD);
        }
    }

    /** Begins a message, dropping whatever was fed since the last {@code finish}. */
    void start() {
        sha1.reset();
        sha1.update(innerPad);
    }

    void update(byte[] b, int offset, int length) {
        sha1.update(b, offset, length);
    }

    /** Feeds {@code value} as four big-endian bytes (the ROC of RFC 3711 §4.2). */
    void updateInt(int value) {
        SrtpPackets.putInt(word, 0, value);
        sha1.update(word, 0, Integer.BYTES);
    }

    /** Ends the message and writes the first {@code length} bytes of its MAC (truncation, RFC 2104 §5). */
    void finish(byte[] out, int offset, int length) {
        compute(length);
        System.arraycopy(mac, 0, out, offset, length);
    }

    /**
     * Ends the message and compares the first {@code length} bytes of its MAC with {@code tag[offset, +length)} in
     * time independent of where they differ.
     */
    boolean finishMatches(byte[] tag, int offset, int length) {
        compute(length);
        return SrtpPackets.tagEquals(mac, 0, tag, offset, length);
    }

    private void compute(int length) {
        if (length < 1 || length > LENGTH) {
            throw new IllegalArgumentException("HMAC-SHA1 output is 1 to 20 bytes, not " + length);
        }
        try {
            sha1.digest(mac, 0, LENGTH);
            sha1.update(outerPad);
            sha1.update(mac, 0, LENGTH);
            sha1.digest(mac, 0, LENGTH);
        } catch (DigestException e) {
            throw new IllegalStateException("the MAC array holds a SHA-1 digest", e);
        }
    }
}
