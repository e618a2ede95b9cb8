package dev.camrelay.webrtc.srtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The composed GCM against the JCE's {@code AES/GCM/NoPadding}, byte for byte, and against known answers. */
class AesGcmTest {

    private static final HexFormat HEX = HexFormat.of();
    /** Room around the data, so offsets other than 0 and bytes next to the data are checked too. */
    private static final int MARGIN = 7;

    private static byte[] jceSeal(byte[] key, byte[] iv, byte[] aad, byte[] plain) throws Exception {
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
        gcm.updateAAD(aad);
        return gcm.doFinal(plain);
    }

    private static byte[] random(Random random, int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return b;
    }

    /** Seals {@code plain} at an offset in a larger array and returns ciphertext followed by the tag. */
    private static byte[] seal(AesGcm gcm, byte[] iv, byte[] aad, byte[] plain) {
        byte[] buffer = new byte[MARGIN + plain.length + AesGcm.TAG_LENGTH + MARGIN];
        System.arraycopy(plain, 0, buffer, MARGIN, plain.length);
        byte[] aadBuffer = new byte[MARGIN + aad.length];
        System.arraycopy(aad, 0, aadBuffer, MARGIN, aad.length);
        gcm.seal(iv, aadBuffer, MARGIN, aad.length, buffer, MARGIN, plain.length, buffer, MARGIN + plain.length);
        assertThat(Arrays.copyOf(buffer, MARGIN)).as("bytes before the data").isEqualTo(new byte[MARGIN]);
        assertThat(Arrays.copyOfRange(buffer, buffer.length - MARGIN, buffer.length)).as("bytes after the tag")
                .isEqualTo(new byte[MARGIN]);
        return Arrays.copyOfRange(buffer, MARGIN, MARGIN + plain.length + AesGcm.TAG_LENGTH);
    }

    @Test
    void sealsAsTheJcesGcmForEveryPlaintextLengthUpToADatagramAndOpensItAgain() throws Exception {
        Random random = new Random(11);
        AesGcm gcm = null;
        byte[] key = null;
        for (int length = 0; length <= 1500; length++) {
            if (length % 100 == 0) {
                key = random(random, 16);
                gcm = new AesGcm(key, new AesCounterMode());
            }
            byte[] iv = random(random, AesGcm.IV_LENGTH);
            byte[] aad = random(random, length % 41);
            byte[] plain = random(random, length);

            byte[] sealed = seal(gcm, iv, aad, plain);

            assertThat(sealed).as("plaintext %d bytes, AAD %d bytes", length, aad.length)
                    .isEqualTo(jceSeal(key, iv, aad, plain));
            assertThat(gcm.open(iv, aad, 0, aad.length, sealed, 0, length, sealed, length)).isTrue();
            assertThat(Arrays.copyOf(sealed, length)).isEqualTo(plain);
        }
    }

    @Test
    void sealsAsTheJcesGcmForEveryAadLengthUpTo40() throws Exception {
        Random random = new Random(12);
        byte[] key = random(random, 16);
        AesGcm gcm = new AesGcm(key, new AesCounterMode());
        for (int aadLength = 0; aadLength <= 40; aadLength++) {
            for (int length : new int[] {0, 1, 15, 16, 17, 31, 32, 33, 1162, 1500}) {
                byte[] iv = random(random, AesGcm.IV_LENGTH);
                byte[] aad = random(random, aadLength);
                byte[] plain = random(random, length);

                assertThat(seal(gcm, iv, aad, plain)).as("plaintext %d bytes, AAD %d bytes", length, aadLength)
                        .isEqualTo(jceSeal(key, iv, aad, plain));
            }
        }
    }

    @Test
    void matchesTheGcmSpecificationsTestCases1And2() {
        // McGrew and Viega, "The Galois/Counter Mode of Operation", test cases 1 and 2: zero key and IV.
        AesGcm gcm = new AesGcm(new byte[16], new AesCounterMode());
        byte[] iv = new byte[AesGcm.IV_LENGTH];

        assertThat(seal(gcm, iv, new byte[0], new byte[0]))
                .isEqualTo(HEX.parseHex("58e2fccefa7e3061367f1d57a4e7455a"));
        assertThat(seal(gcm, iv, new byte[0], new byte[16]))
                .isEqualTo(HEX.parseHex("0388dace60b6a392f328c2b971b2fe78ab6e47d42cec13bdf53a67b21257bddf"));
    }

    @Test
    void aChangeToAnyByteOfAadCiphertextOrTagFailsAndLeavesEverythingAsItWas() {
        Random random = new Random(13);
        AesGcm gcm = new AesGcm(random(random, 16), new AesCounterMode());
        byte[] iv = random(random, AesGcm.IV_LENGTH);
        byte[] aad = random(random, 12);
        byte[] plain = random(random, 45);
        byte[] sealed = seal(gcm, iv, aad, plain);
        // AAD, then ciphertext, then tag, in one array as an SRTP packet has them.
        byte[] packet = new byte[aad.length + sealed.length];
        System.arraycopy(aad, 0, packet, 0, aad.length);
        System.arraycopy(sealed, 0, packet, aad.length, sealed.length);
        int tagAt = aad.length + plain.length;

        for (int i = 0; i < packet.length; i++) {
            byte[] forged = packet.clone();
            forged[i] ^= 0x01;
            byte[] before = forged.clone();

            boolean opened = gcm.open(iv, forged, 0, aad.length, forged, aad.length, plain.length, forged, tagAt);

            assertThat(opened).as("byte %d changed", i).isFalse();
            assertThat(forged).as("byte %d changed", i).isEqualTo(before);
        }
        assertThat(gcm.open(iv, packet, 0, aad.length, packet, aad.length, plain.length, packet, tagAt)).isTrue();
        assertThat(Arrays.copyOfRange(packet, aad.length, tagAt)).isEqualTo(plain);
    }

    @Test
    void aDifferentIvDoesNotOpen() {
        Random random = new Random(14);
        AesGcm gcm = new AesGcm(random(random, 16), new AesCounterMode());
        byte[] iv = random(random, AesGcm.IV_LENGTH);
        byte[] sealed = seal(gcm, iv, new byte[0], random(random, 100));
        iv[11] ^= 1;

        assertThat(gcm.open(iv, new byte[0], 0, 0, sealed, 0, 100, sealed, 100)).isFalse();
    }
}
