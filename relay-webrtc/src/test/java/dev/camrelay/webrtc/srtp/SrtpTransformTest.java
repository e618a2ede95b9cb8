package dev.camrelay.webrtc.srtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.camrelay.webrtc.dtls.SrtpProfile;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SrtpTransformTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void keyDerivationMatchesRfc3711AppendixB3() {
        byte[] masterKey = HEX.parseHex("E1F97A0D3E018BE0D64FA32C06DE4139");
        byte[] masterSalt = HEX.parseHex("0EC675AD498AFEEBB6960B3AABE6");

        assertThat(SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTP_ENCRYPTION, 16))
                .isEqualTo(HEX.parseHex("C61E7A93744F39EE10734AFE3FF7A087"));
        assertThat(SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTP_SALT, 14))
                .isEqualTo(HEX.parseHex("30CBBC08863D8C85D49DB34A9AE1"));
        assertThat(SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTP_AUTHENTICATION, 20))
                .isEqualTo(HEX.parseHex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4"));
    }

    @Test
    void aesCmPayloadIsTheCounterModeKeystreamOfRfc3711() throws Exception {
        byte[] masterKey = HEX.parseHex("E1F97A0D3E018BE0D64FA32C06DE4139");
        byte[] masterSalt = HEX.parseHex("0EC675AD498AFEEBB6960B3AABE6");
        byte[] packet = new byte[12 + 100 + 10];
        packet[0] = (byte) 0x80;
        packet[1] = 96;
        packet[3] = 7; // seq 7, ROC 0: index 7
        SrtpPackets.putInt(packet, 8, 0x11223344);
        int n = new AesCmHmacSha1Transform(masterKey, masterSalt).protectRtp(packet, 0, 112);

        // The same keystream from the JCE's own AES/CTR: IV = salt XOR SSRC<<64 XOR index<<16 (RFC 3711 §4.1.1).
        byte[] iv = Arrays.copyOf(HEX.parseHex("30CBBC08863D8C85D49DB34A9AE1"), 16);
        iv[4] ^= 0x11;
        iv[5] ^= 0x22;
        iv[6] ^= 0x33;
        iv[7] ^= 0x44;
        iv[13] ^= 7;
        Cipher ctr = Cipher.getInstance("AES/CTR/NoPadding");
        ctr.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(HEX.parseHex("C61E7A93744F39EE10734AFE3FF7A087"), "AES"),
                new IvParameterSpec(iv));
        byte[] keystream = ctr.doFinal(new byte[100]);

        assertThat(n).isEqualTo(122);
        assertThat(Arrays.copyOfRange(packet, 12, 112)).isEqualTo(keystream);
    }

    @Test
    void aesCmTagIsTheJdksHmacSha1OfThePacketAndRocCutTo80Bits() throws Exception {
        byte[] masterKey = HEX.parseHex("E1F97A0D3E018BE0D64FA32C06DE4139");
        byte[] masterSalt = HEX.parseHex("0EC675AD498AFEEBB6960B3AABE6");
        byte[] packet = Arrays.copyOf(rtp(7, 0x11223344, 100, new Random(7)), 122);
        int n = new AesCmHmacSha1Transform(masterKey, masterSalt).protectRtp(packet, 0, 112);

        // RFC 3711 §4.2: HMAC-SHA1 under the derived authentication key over the protected packet and the 32-bit ROC.
        javax.crypto.Mac jdk = javax.crypto.Mac.getInstance("HmacSHA1");
        jdk.init(new SecretKeySpec(SrtpKeyDerivation.derive(masterKey, masterSalt,
                SrtpKeyDerivation.LABEL_RTP_AUTHENTICATION, AesCmHmacSha1Transform.AUTH_KEY_LENGTH), "HmacSHA1"));
        jdk.update(packet, 0, 112);
        jdk.update(new byte[4]); // ROC 0
        byte[] tag = Arrays.copyOf(jdk.doFinal(), AesCmHmacSha1Transform.TAG_LENGTH);

        assertThat(n).isEqualTo(122);
        assertThat(Arrays.copyOfRange(packet, 112, 122)).isEqualTo(tag);
    }

    @Test
    void gcmMatchesRfc7714Section16Vector() {
        byte[] key = HEX.parseHex("000102030405060708090a0b0c0d0e0f");
        byte[] salt = HEX.parseHex("517569642070726f2071756f");
        byte[] plain = HEX.parseHex("8040f17b8041f8d35501a0b2"
                + "47616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573");
        byte[] expected = HEX.parseHex("8040f17b8041f8d35501a0b2"
                + "f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833899d7f27beb16a9152cf765e"
                + "e4390cce");
        byte[] packet = Arrays.copyOf(plain, plain.length + 16);

        int n = AesGcmTransform.withSessionKeys(key, salt).protectRtp(packet, 0, plain.length);

        assertThat(Arrays.copyOf(packet, n)).isEqualTo(expected);
        assertThat(AesGcmTransform.withSessionKeys(key, salt).unprotectRtp(packet, 0, n)).isEqualTo(plain.length);
        assertThat(Arrays.copyOf(packet, plain.length)).isEqualTo(plain);
    }

    @Test
    void gcmMatchesRfc7714Section17Vector() {
        // §17.1: the SRTCP packet of sender "Mars" with SRTCP index 0x5d4, under the §16 session key and salt.
        byte[] key = HEX.parseHex("000102030405060708090a0b0c0d0e0f");
        byte[] salt = HEX.parseHex("517569642070726f2071756f");
        byte[] plain = HEX.parseHex("81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61"
                + "deadbeefdeadbeefdeadbeefdeadbeefdeadbeef");
        byte[] expected = HEX.parseHex("81c8000d4d617273"
                + "63e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32dc676a5f1730d6fda4ce09b4686303ded0bb9275b"
                + "c84aa45896cf4d2fc5abf87245d9eade" + "800005d4");
        SrtpTransform sender = AesGcmTransform.withSessionKeys(key, salt);
        for (int index = 0; index < 0x5d4; index++) {
            sender.protectRtcp(Arrays.copyOf(plain, plain.length + sender.rtcpOverhead()), 0, plain.length);
        }
        byte[] packet = Arrays.copyOf(plain, plain.length + sender.rtcpOverhead());

        int n = sender.protectRtcp(packet, 0, plain.length);

        assertThat(packet).isEqualTo(expected);
        assertThat(n).isEqualTo(expected.length);
        assertThat(AesGcmTransform.withSessionKeys(key, salt).unprotectRtcp(packet, 0, n)).isEqualTo(plain.length);
        assertThat(Arrays.copyOf(packet, plain.length)).isEqualTo(plain);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void aChangeToAnyByteOfAnSrtpPacketFailsAuthenticationAndLeavesThePacketAsItCame(SrtpProfile profile) {
        Random random = new Random(8);
        byte[] key = random(random, profile.keyLength());
        byte[] salt = random(random, profile.saltLength());
        SrtpTransform sender = SrtpTransforms.create(profile, key, salt);
        SrtpTransform receiver = SrtpTransforms.create(profile, key, salt);
        byte[] plain = rtp(1000, 0x5EED, 60, random);
        byte[] packet = Arrays.copyOf(plain, plain.length + sender.rtpOverhead());
        int n = sender.protectRtp(packet, 0, plain.length);

        // a flip in the first byte adds a CSRC: a header 4 bytes longer
        everyOneByteChangeFailsThenTheOriginalPasses(packet, n, plain, receiver::unprotectRtp);
    }

    /** Flips each byte of a protected packet in turn: refused, left as it came; then the packet itself passes. */
    private static void everyOneByteChangeFailsThenTheOriginalPasses(byte[] packet, int n, byte[] plain,
                                                                     Unprotect unprotect) {
        for (int i = 0; i < n; i++) {
            byte[] forged = packet.clone();
            forged[i] ^= 0x01;
            byte[] before = forged.clone();

            assertThat(unprotect.apply(forged, 0, n)).as("byte %d changed", i).isEqualTo(SrtpTransform.AUTH_FAILED);
            assertThat(forged).as("byte %d changed", i).isEqualTo(before);
        }
        assertThat(unprotect.apply(packet, 0, n)).isEqualTo(plain.length);
        assertThat(Arrays.copyOf(packet, plain.length)).isEqualTo(plain);
    }

    /** {@link SrtpTransform#unprotectRtp} or {@link SrtpTransform#unprotectRtcp}. */
    @FunctionalInterface
    private interface Unprotect {
        int apply(byte[] packet, int offset, int length);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void aChangeToAnyByteOfAnSrtcpPacketFailsAuthenticationAndLeavesThePacketAsItCame(SrtpProfile profile) {
        Random random = new Random(9);
        byte[] key = random(random, profile.keyLength());
        byte[] salt = random(random, profile.saltLength());
        SrtpTransform sender = SrtpTransforms.create(profile, key, salt);
        SrtpTransform receiver = SrtpTransforms.create(profile, key, salt);
        byte[] plain = random(random, 52);
        plain[0] = (byte) 0x81;
        plain[1] = (byte) 205; // RTPFB, as a NACK
        byte[] packet = Arrays.copyOf(plain, plain.length + sender.rtcpOverhead());
        int n = sender.protectRtcp(packet, 0, plain.length);

        // a flip in the trailer's first byte changes the index, not the E flag
        everyOneByteChangeFailsThenTheOriginalPasses(packet, n, plain, receiver::unprotectRtcp);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rtpRoundTripsAcrossASequenceWrapAndRejectsTampering(SrtpProfile profile) {
        Random random = new Random(1);
        byte[] key = new byte[profile.keyLength()];
        byte[] salt = new byte[profile.saltLength()];
        random.nextBytes(key);
        random.nextBytes(salt);
        SrtpTransform sender = SrtpTransforms.create(profile, key, salt);
        SrtpTransform receiver = SrtpTransforms.create(profile, key, salt);
        for (int i = 0; i < 6; i++) {
            int seq = (65533 + i) & 0xFFFF;
            byte[] plain = rtp(seq, 0xCAFE, 300 + i, random);
            byte[] packet = Arrays.copyOf(plain, plain.length + sender.rtpOverhead());
            int n = sender.protectRtp(packet, 0, plain.length);
            assertThat(n).isEqualTo(plain.length + sender.rtpOverhead());
            assertThat(Arrays.copyOfRange(packet, 12, plain.length)).isNotEqualTo(Arrays.copyOfRange(plain, 12,
                    plain.length));

            byte[] forged = packet.clone();
            forged[20] ^= 1;
            assertThat(receiver.unprotectRtp(forged, 0, n)).isEqualTo(SrtpTransform.AUTH_FAILED);
            assertThat(receiver.unprotectRtp(packet, 0, n)).isEqualTo(plain.length);
            assertThat(Arrays.copyOf(packet, plain.length)).isEqualTo(plain);
        }
        assertThat(receiver.unprotectRtp(new byte[5], 0, 5)).isEqualTo(SrtpTransform.MALFORMED);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void aRetransmissionFromBeforeASequenceWrapKeepsItsRolloverCounter(SrtpProfile profile) {
        Random random = new Random(3);
        byte[] key = new byte[profile.keyLength()];
        byte[] salt = new byte[profile.saltLength()];
        random.nextBytes(key);
        random.nextBytes(salt);
        SrtpTransform sender = SrtpTransforms.create(profile, key, salt);
        SrtpTransform receiver = SrtpTransforms.create(profile, key, salt);
        byte[] beforeWrap = rtp(65535, 7, 100, random);
        byte[] afterWrap = rtp(1, 7, 100, random);

        // 65535 (ROC 0), then 1 (ROC 1), then 65535 again as a NACK answer: still ROC 0 (RFC 3711 §3.3.1).
        for (byte[] plain : new byte[][] {beforeWrap, afterWrap, beforeWrap}) {
            byte[] packet = Arrays.copyOf(plain, plain.length + sender.rtpOverhead());
            int n = sender.protectRtp(packet, 0, plain.length);
            assertThat(receiver.unprotectRtp(packet, 0, n)).isEqualTo(plain.length);
            assertThat(Arrays.copyOf(packet, plain.length)).isEqualTo(plain);
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void protectingTheSamePacketTwiceInARowGivesTheSameBytes(SrtpProfile profile) {
        byte[] key = new byte[profile.keyLength()];
        byte[] salt = new byte[profile.saltLength()];
        SrtpTransform sender = SrtpTransforms.create(profile, key, salt);
        byte[] plain = rtp(42, 9, 50, new Random(4));
        byte[] first = Arrays.copyOf(plain, plain.length + sender.rtpOverhead());
        byte[] again = Arrays.copyOf(plain, plain.length + sender.rtpOverhead());

        // A NACK answered at once re-protects the same index: the same IV with the same plaintext, the same bytes.
        int n = sender.protectRtp(first, 0, plain.length);
        int m = sender.protectRtp(again, 0, plain.length);

        assertThat(m).isEqualTo(n);
        assertThat(again).isEqualTo(first);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rtpWithCsrcsAndExtensionKeepsItsHeaderInTheClear(SrtpProfile profile) {
        byte[] key = new byte[profile.keyLength()];
        byte[] salt = new byte[profile.saltLength()];
        SrtpTransform sender = SrtpTransforms.create(profile, key, salt);
        SrtpTransform receiver = SrtpTransforms.create(profile, key, salt);
        byte[] plain = new byte[12 + 4 + 8 + 40];
        plain[0] = (byte) 0x91; // X=1, CC=1
        plain[1] = 96;
        plain[17] = 0x01; // extension: profile 0x?? length 1 word
        plain[19] = 1;
        Arrays.fill(plain, 24, plain.length, (byte) 0x5A);
        byte[] packet = Arrays.copyOf(plain, plain.length + 16);

        int n = sender.protectRtp(packet, 0, plain.length);

        assertThat(Arrays.copyOf(packet, 24)).isEqualTo(Arrays.copyOf(plain, 24));
        assertThat(receiver.unprotectRtp(packet, 0, n)).isEqualTo(plain.length);
        assertThat(Arrays.copyOf(packet, plain.length)).isEqualTo(plain);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rtcpRoundTripsWithIndexAndRejectsTampering(SrtpProfile profile) {
        Random random = new Random(2);
        byte[] key = new byte[profile.keyLength()];
        byte[] salt = new byte[profile.saltLength()];
        random.nextBytes(key);
        random.nextBytes(salt);
        SrtpTransform sender = SrtpTransforms.create(profile, key, salt);
        SrtpTransform receiver = SrtpTransforms.create(profile, key, salt);
        for (int i = 0; i < 3; i++) {
            byte[] plain = new byte[28];
            random.nextBytes(plain);
            plain[0] = (byte) 0x80;
            plain[1] = (byte) 200;
            byte[] packet = Arrays.copyOf(plain, plain.length + sender.rtcpOverhead());
            int n = sender.protectRtcp(packet, 0, plain.length);
            assertThat(n).isEqualTo(plain.length + sender.rtcpOverhead());
            assertThat(SrtpPackets.getInt(packet, n - (profile == SrtpProfile.AEAD_AES_128_GCM ? 4 : 14)))
                    .isEqualTo(0x8000_0000 | i);

            byte[] forged = packet.clone();
            forged[10] ^= 1;
            assertThat(receiver.unprotectRtcp(forged, 0, n)).isEqualTo(SrtpTransform.AUTH_FAILED);
            assertThat(receiver.unprotectRtcp(packet, 0, n)).isEqualTo(plain.length);
            assertThat(Arrays.copyOf(packet, plain.length)).isEqualTo(plain);
        }
    }

    private static byte[] random(Random random, int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return b;
    }

    private static byte[] rtp(int seq, int ssrc, int payload, Random random) {
        byte[] p = new byte[12 + payload];
        random.nextBytes(p);
        p[0] = (byte) 0x80;
        p[1] = 96;
        p[2] = (byte) (seq >>> 8);
        p[3] = (byte) seq;
        SrtpPackets.putInt(p, 8, ssrc);
        return p;
    }
}
