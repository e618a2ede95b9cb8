package dev.camrelay.webrtc.srtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class HmacSha1Test {

    private static final HexFormat HEX = HexFormat.of();

    private static byte[] repeat(int value, int count) {
        byte[] b = new byte[count];
        Arrays.fill(b, (byte) value);
        return b;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] mac(byte[] key, byte[] data) {
        HmacSha1 mac = new HmacSha1(key);
        byte[] out = new byte[HmacSha1.LENGTH];
        mac.start();
        mac.update(data, 0, data.length);
        mac.finish(out, 0, HmacSha1.LENGTH);
        return out;
    }

    private static byte[] jdk(byte[] key, byte[] data, int from, int length) throws Exception {
        Mac jdk = Mac.getInstance("HmacSHA1");
        // The JCE refuses an empty key spec; an empty HMAC key is the same as 64 zero bytes (RFC 2104 §2).
        jdk.init(new SecretKeySpec(key.length == 0 ? new byte[HmacSha1.BLOCK_LENGTH] : key, "HmacSHA1"));
        jdk.update(data, from, length);
        return jdk.doFinal();
    }

    @Test
    void matchesTheRfc2202TestCases() {
        assertThat(mac(repeat(0x0b, 20), ascii("Hi There")))
                .isEqualTo(HEX.parseHex("b617318655057264e28bc0b6fb378c8ef146be00"));
        assertThat(mac(ascii("Jefe"), ascii("what do ya want for nothing?")))
                .isEqualTo(HEX.parseHex("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"));
        assertThat(mac(repeat(0xaa, 20), repeat(0xdd, 50)))
                .isEqualTo(HEX.parseHex("125d7342b9ac11cd91a39af48aa17b4f63f175d3"));
        assertThat(mac(HEX.parseHex("0102030405060708090a0b0c0d0e0f10111213141516171819"), repeat(0xcd, 50)))
                .isEqualTo(HEX.parseHex("4c9007f4026250c6bc8414f9bf50c86c2d7235da"));
        assertThat(mac(repeat(0x0c, 20), ascii("Test With Truncation")))
                .isEqualTo(HEX.parseHex("4c1a03424b55e07fe7f27be1d58bb9324a9a5a04"));
        // Keys longer than the 64-byte block are hashed first (RFC 2104 §2).
        assertThat(mac(repeat(0xaa, 80), ascii("Test Using Larger Than Block-Size Key - Hash Key First")))
                .isEqualTo(HEX.parseHex("aa4ae5e15272d00e95705637ce8a3b55ed402112"));
        assertThat(mac(repeat(0xaa, 80),
                ascii("Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data")))
                .isEqualTo(HEX.parseHex("e8e99d0f45237d786d6bbaa7965c7808bbff1a91"));
    }

    @Test
    void truncatesToTheLeftmostBytesAsRfc2202TestCase5() {
        HmacSha1 mac = new HmacSha1(repeat(0x0c, 20));
        byte[] data = ascii("Test With Truncation");
        byte[] out = new byte[14];
        mac.start();
        mac.update(data, 0, data.length);
        mac.finish(out, 1, 12);

        assertThat(Arrays.copyOfRange(out, 1, 13)).isEqualTo(HEX.parseHex("4c1a03424b55e07fe7f27be1"));
        assertThat(out[0]).isZero();
        assertThat(out[13]).isZero();
    }

    @Test
    void agreesWithTheJdksHmacSha1ForRandomKeysAndMessagesFedInPieces() throws Exception {
        Random random = new Random(5);
        for (int i = 0; i < 400; i++) {
            byte[] key = new byte[random.nextInt(100)];
            random.nextBytes(key);
            byte[] data = new byte[random.nextInt(1600)];
            random.nextBytes(data);
            int from = data.length == 0 ? 0 : random.nextInt(data.length);
            int length = data.length - from;
            int split = random.nextInt(length + 1);
            HmacSha1 mac = new HmacSha1(key);
            byte[] out = new byte[HmacSha1.LENGTH];
            // Twice on one instance: a finished message leaves nothing behind for the next one.
            for (int round = 0; round < 2; round++) {
                mac.start();
                mac.update(data, from, split);
                mac.update(data, from + split, length - split);
                mac.finish(out, 0, HmacSha1.LENGTH);

                assertThat(out).as("key %d bytes, message %d bytes", key.length, length)
                        .isEqualTo(jdk(key, data, from, length));
            }
        }
    }

    @Test
    void startDropsAMessageThatWasNotFinished() throws Exception {
        byte[] key = HEX.parseHex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4");
        byte[] data = ascii("the message that counts");
        HmacSha1 mac = new HmacSha1(key);
        byte[] out = new byte[HmacSha1.LENGTH];
        mac.start();
        mac.update(ascii("abandoned"), 0, 9);
        mac.start();
        mac.update(data, 0, data.length);
        mac.finish(out, 0, HmacSha1.LENGTH);

        assertThat(out).isEqualTo(jdk(key, data, 0, data.length));
    }

    @Test
    void updateIntFeedsFourBigEndianBytes() throws Exception {
        byte[] key = repeat(7, 20);
        HmacSha1 mac = new HmacSha1(key);
        byte[] out = new byte[HmacSha1.LENGTH];
        mac.start();
        mac.updateInt(0x01020304);
        mac.finish(out, 0, HmacSha1.LENGTH);

        assertThat(out).isEqualTo(jdk(key, new byte[] {1, 2, 3, 4}, 0, 4));
    }

    @Test
    void finishMatchesAcceptsTheTruncatedMacAndRejectsAnyChangedByte() {
        byte[] key = repeat(0x0b, 20);
        byte[] data = ascii("Hi There");
        byte[] tag = Arrays.copyOf(HEX.parseHex("b617318655057264e28bc0b6fb378c8ef146be00"), 10);
        HmacSha1 mac = new HmacSha1(key);
        mac.start();
        mac.update(data, 0, data.length);
        assertThat(mac.finishMatches(tag, 0, 10)).isTrue();
        for (int i = 0; i < tag.length; i++) {
            byte[] forged = tag.clone();
            forged[i] ^= 1;
            mac.start();
            mac.update(data, 0, data.length);
            assertThat(mac.finishMatches(forged, 0, 10)).as("byte %d changed", i).isFalse();
        }
    }
}
