package dev.camrelay.webrtc.stun;

import static dev.camrelay.webrtc.stun.Rfc5769Vectors.IPV4_RESPONSE;
import static dev.camrelay.webrtc.stun.Rfc5769Vectors.IPV6_RESPONSE;
import static dev.camrelay.webrtc.stun.Rfc5769Vectors.PASSWORD;
import static dev.camrelay.webrtc.stun.Rfc5769Vectors.REQUEST;
import static dev.camrelay.webrtc.stun.Rfc5769Vectors.SOFTWARE_RESPONSE;
import static dev.camrelay.webrtc.stun.Rfc5769Vectors.USERNAME;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.Random;
import org.agrona.concurrent.UnsafeBuffer;
import org.bouncycastle.crypto.macs.HMac;
import org.junit.jupiter.api.Test;

class StunMessageTest {

    private final HMac hmac = StunIntegrity.newHmacSha1(PASSWORD.getBytes(UTF_8));
    private final StunMessage message = new StunMessage();

    @Test
    void rfc5769SampleRequestParsesWithValidIntegrityAndFingerprint() {
        assertThat(message.wrap(new UnsafeBuffer(REQUEST), 0, REQUEST.length)).isEqualTo(StunMessage.OK);

        assertThat(message.messageType()).isEqualTo(StunDescriptor.BINDING_REQUEST);
        assertThat(message.usernameEquals(USERNAME.getBytes(UTF_8))).isTrue();
        assertThat(message.usernameColonIndex()).isEqualTo(4);
        assertThat(message.priority()).isEqualTo(0x6e0001ffL);
        assertThat(message.iceControlled()).isTrue();
        assertThat(message.iceControlling()).isFalse();
        assertThat(message.tieBreaker()).isEqualTo(0x932ff9b151263b36L);
        assertThat(message.useCandidate()).isFalse();
        assertThat(message.hasFingerprint()).isTrue();
        assertThat(message.verifyMessageIntegrity(hmac)).isTrue();
    }

    @Test
    void sampleRequestAtAnOffsetInAnOffHeapBufferStillVerifies() {
        UnsafeBuffer direct = new UnsafeBuffer(java.nio.ByteBuffer.allocateDirect(REQUEST.length + 7));
        direct.putBytes(7, REQUEST);

        assertThat(message.wrap(direct, 7, REQUEST.length)).isEqualTo(StunMessage.OK);
        assertThat(message.verifyMessageIntegrity(hmac)).isTrue();
    }

    @Test
    void wrongPasswordFailsIntegrity() {
        message.wrap(new UnsafeBuffer(REQUEST), 0, REQUEST.length);

        assertThat(message.verifyMessageIntegrity(StunIntegrity.newHmacSha1("wrong".getBytes(UTF_8)))).isFalse();
    }

    @Test
    void flippedBitIsCaughtByTheFingerprint() {
        byte[] corrupt = REQUEST.clone();
        corrupt[30] ^= 1;

        assertThat(message.wrap(new UnsafeBuffer(corrupt), 0, corrupt.length)).isEqualTo(StunMessage.BAD_FINGERPRINT);
    }

    @Test
    void bindingResponseMatchesRfc5769Ipv4Vector() throws Exception {
        byte[] out = encodeResponse(InetAddress.getByName("192.0.2.1").getAddress(), 32853);

        assertThat(out).isEqualTo(IPV4_RESPONSE);
    }

    @Test
    void bindingResponseMatchesRfc5769Ipv6Vector() throws Exception {
        byte[] out = encodeResponse(InetAddress.getByName("2001:db8:1234:5678:11:2233:4455:6677").getAddress(), 32853);

        assertThat(out).isEqualTo(IPV6_RESPONSE);
    }

    @Test
    void rfc5769ResponsesParseBackToTheirMappedAddress() {
        for (byte[] vector : new byte[][] {IPV4_RESPONSE, IPV6_RESPONSE}) {
            assertThat(message.wrap(new UnsafeBuffer(vector), 0, vector.length)).isEqualTo(StunMessage.OK);
            assertThat(message.messageType()).isEqualTo(StunDescriptor.BINDING_SUCCESS_RESPONSE);
            assertThat(message.hasXorMappedAddress()).isTrue();
            int port = (message.buffer().getShort(message.xorMappedAddressOffset() + 2, java.nio.ByteOrder.BIG_ENDIAN)
                    ^ 0x2112) & 0xFFFF;
            assertThat(port).isEqualTo(32853);
            assertThat(message.verifyMessageIntegrity(hmac)).isTrue();
        }
    }

    @Test
    void truncatedOrGarbageInputReturnsAnErrorCodeAndNeverThrows() {
        assertThat(message.wrap(new UnsafeBuffer(new byte[10]), 0, 10)).isEqualTo(StunMessage.TOO_SHORT);
        byte[] badCookie = REQUEST.clone();
        badCookie[4] = 0;
        assertThat(message.wrap(new UnsafeBuffer(badCookie), 0, badCookie.length)).isEqualTo(StunMessage.NOT_STUN);
        assertThat(message.wrap(new UnsafeBuffer(REQUEST), 0, REQUEST.length - 4)).isEqualTo(StunMessage.BAD_LENGTH);
        byte[] overrun = REQUEST.clone();
        overrun[22] = 0x7F;
        assertThat(message.wrap(new UnsafeBuffer(overrun), 0, overrun.length)).isEqualTo(StunMessage.BAD_ATTRIBUTE);

        Random random = new Random(5769);
        for (int i = 0; i < 20_000; i++) {
            byte[] fuzz = REQUEST.clone();
            int len = 20 + random.nextInt(fuzz.length - 19);
            for (int flips = random.nextInt(4) + 1; flips > 0; flips--) {
                fuzz[random.nextInt(len)] = (byte) random.nextInt();
            }
            int status = message.wrap(new UnsafeBuffer(fuzz), 0, len);
            if (status == StunMessage.OK) {
                message.verifyMessageIntegrity(hmac);
                message.usernameColonIndex();
            }
        }
    }

    @Test
    void attributesAfterFingerprintAreRejected() {
        byte[] longer = Arrays.copyOf(REQUEST, REQUEST.length + 8);
        longer[3] = (byte) (longer[3] + 8);
        longer[REQUEST.length] = (byte) 0x80;
        longer[REQUEST.length + 1] = 0x22;
        longer[REQUEST.length + 3] = 4;

        assertThat(message.wrap(new UnsafeBuffer(longer), 0, longer.length)).isEqualTo(StunMessage.BAD_FINGERPRINT);
    }

    private byte[] encodeResponse(byte[] address, int port) {
        UnsafeBuffer out = new UnsafeBuffer(new byte[StunMessageEncoder.MIN_CAPACITY]);
        StunMessageEncoder encoder = new StunMessageEncoder()
                .wrap(out, 0, StunDescriptor.BINDING_SUCCESS_RESPONSE, new UnsafeBuffer(REQUEST), 8)
                .paddingByte((byte) 0x20)
                .addAttribute(StunDescriptor.SOFTWARE, SOFTWARE_RESPONSE.getBytes(UTF_8));
        if (address.length == 4) {
            encoder.addXorMappedAddressIpv4(new UnsafeBuffer(address).getInt(0, java.nio.ByteOrder.BIG_ENDIAN), port);
        } else {
            encoder.addXorMappedAddressIpv6(address, port);
        }
        encoder.addMessageIntegrity(hmac).addFingerprint();
        return Arrays.copyOf(out.byteArray(), encoder.length());
    }
}
