package dev.camrelay.webrtc.ice;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import dev.camrelay.webrtc.stun.StunDescriptor;
import dev.camrelay.webrtc.stun.StunIntegrity;
import dev.camrelay.webrtc.stun.StunMessage;
import dev.camrelay.webrtc.stun.StunMessageEncoder;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.bouncycastle.crypto.macs.HMac;
import org.junit.jupiter.api.Test;

class IceLiteAgentTest {

    private static final String BROWSER_UFRAG = "Br0w";
    private static final InetSocketAddress BROWSER = new InetSocketAddress("192.168.1.20", 54321);
    private static final InetSocketAddress BROWSER_V6 = new InetSocketAddress("2001:db8::20", 50000);
    private static final long T0 = 1_000_000_000L;

    private final IceLiteAgent agent = new IceLiteAgent();
    private final IceCredentials local = IceCredentials.generate(new SecureRandom());
    private final IceLiteSession session = new IceLiteSession(local, BROWSER_UFRAG, T0);
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[512]);
    private final StunMessage response = new StunMessage();

    IceLiteAgentTest() {
        assertThat(agent.register(session)).isTrue();
    }

    @Test
    void generatedCredentialsHaveRfc8445Entropy() {
        assertThat(local.ufrag()).hasSize(IceCredentials.UFRAG_LENGTH);
        assertThat(local.pwd()).hasSize(IceCredentials.PWD_LENGTH);
        assertThat(IceCredentials.generate(new SecureRandom())).isNotEqualTo(local);
        assertThat(local.toString()).doesNotContain(local.pwd());
    }

    @Test
    void validCheckIsAnsweredWithIntegrityFingerprintAndXorMappedAddress() {
        int length = send(check(local.ufrag() + ":" + BROWSER_UFRAG, local.pwd(), false, true), BROWSER, T0);

        assertThat(length).isPositive();
        assertThat(response.wrap(out, 0, length)).isEqualTo(StunMessage.OK);
        assertThat(response.messageType()).isEqualTo(StunDescriptor.BINDING_SUCCESS_RESPONSE);
        assertThat(response.hasFingerprint()).isTrue();
        assertThat(response.verifyMessageIntegrity(hmac(local.pwd()))).isTrue();
        int xorPort = out.getShort(response.xorMappedAddressOffset() + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        int xorAddress = out.getInt(response.xorMappedAddressOffset() + 4, ByteOrder.BIG_ENDIAN);
        assertThat(xorPort ^ 0x2112).isEqualTo(54321);
        assertThat(xorAddress ^ StunDescriptor.MAGIC_COOKIE).isEqualTo((192 << 24) | (168 << 16) | (1 << 8) | 20);
        assertThat(session.isNominated()).isFalse();
        assertThat(agent.sessionFor(BROWSER)).isSameAs(session);
        assertThat(agent.successes()).isEqualTo(1);
    }

    @Test
    void ipv6SenderGetsAnIpv6MappedAddress() {
        int length = send(check(local.ufrag() + ":" + BROWSER_UFRAG, local.pwd(), true, true), BROWSER_V6, T0);

        assertThat(response.wrap(out, 0, length)).isEqualTo(StunMessage.OK);
        assertThat(response.xorMappedAddressLength()).isEqualTo(StunDescriptor.XOR_MAPPED_ADDRESS_IPV6_LENGTH);
        assertThat(session.nominatedAddress()).isEqualTo(BROWSER_V6);
    }

    @Test
    void useCandidateNominatesAndTheLatestNominationWins() {
        String user = local.ufrag() + ":" + BROWSER_UFRAG;
        send(check(user, local.pwd(), true, true), BROWSER, T0);
        assertThat(session.nominatedAddress()).isEqualTo(BROWSER);

        InetSocketAddress rebound = new InetSocketAddress("192.168.1.20", 60000);
        send(check(user, local.pwd(), true, true), rebound, T0 + 1);

        assertThat(session.nominatedAddress()).isEqualTo(rebound);
        assertThat(session.maySend(T0 + 2)).isTrue();
    }

    @Test
    void unknownUfragIsDroppedAndCounted() {
        int length = send(check("nobody:" + BROWSER_UFRAG, local.pwd(), true, true), BROWSER, T0);

        assertThat(length).isEqualTo(IceLiteAgent.UNKNOWN_USERNAME);
        assertThat(agent.unknownUsernameDrops()).isEqualTo(1);
    }

    @Test
    void wrongRemoteUfragIsDroppedAsUnknownCredentials() {
        int length = send(check(local.ufrag() + ":other", local.pwd(), true, true), BROWSER, T0);

        assertThat(length).isEqualTo(IceLiteAgent.UNKNOWN_USERNAME);
        assertThat(session.isNominated()).isFalse();
    }

    @Test
    void badIntegrityGets401WithoutNominating() {
        int length = send(check(local.ufrag() + ":" + BROWSER_UFRAG, "x".repeat(24), true, true), BROWSER, T0);

        assertThat(response.wrap(out, 0, length)).isEqualTo(StunMessage.OK);
        assertThat(response.messageType()).isEqualTo(StunDescriptor.BINDING_ERROR_RESPONSE);
        assertThat(errorCode(response)).isEqualTo(401);
        assertThat(response.hasMessageIntegrity()).isFalse();
        assertThat(session.isNominated()).isFalse();
        assertThat(agent.unauthenticated()).isEqualTo(1);
    }

    @Test
    void controlledPeerGetsRoleConflict() {
        int length = send(check(local.ufrag() + ":" + BROWSER_UFRAG, local.pwd(), true, false), BROWSER, T0);

        response.wrap(out, 0, length);
        assertThat(errorCode(response)).isEqualTo(487);
        assertThat(response.verifyMessageIntegrity(hmac(local.pwd()))).isTrue();
        assertThat(session.isNominated()).isFalse();
    }

    @Test
    void unknownComprehensionRequiredAttributeGets420ListingIt() {
        byte[] txId = new byte[12];
        UnsafeBuffer req = new UnsafeBuffer(new byte[256]);
        int reqLength = new StunMessageEncoder()
                .wrap(req, 0, StunDescriptor.BINDING_REQUEST, new UnsafeBuffer(txId), 0)
                .addAttribute(StunDescriptor.USERNAME, (local.ufrag() + ":" + BROWSER_UFRAG).getBytes(US_ASCII))
                .addAttribute(0x7777, new byte[] {1, 2})
                .addMessageIntegrity(hmac(local.pwd())).addFingerprint().length();

        int length = agent.onStunPacket(req, 0, reqLength, BROWSER, T0, out, 0);

        response.wrap(out, 0, length);
        assertThat(errorCode(response)).isEqualTo(420);
        assertThat(out.getShort(length - 8 - 24 - 8 + 4, ByteOrder.BIG_ENDIAN) & 0xFFFF).isEqualTo(0x7777);
        assertThat(session.isNominated()).isFalse();
    }

    @Test
    void repeatedChecksFromOneAddressAllocateNothing() {
        byte[] bytes = check(local.ufrag() + ":" + BROWSER_UFRAG, local.pwd(), true, true);
        UnsafeBuffer in = new UnsafeBuffer(bytes);
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        for (int round = 0; round < 2; round++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 20_000; i++) {
                agent.onStunPacket(in, 0, bytes.length, BROWSER, T0 + i, out, 0);
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            if (round == 1) {
                assertThat(allocated).as("bytes allocated by 20,000 checks").isLessThan(1024);
            }
        }
        assertThat(agent.successes()).isEqualTo(40_000);
    }

    @Test
    void requestWithoutCredentialsGets400() {
        UnsafeBuffer req = new UnsafeBuffer(new byte[256]);
        StunMessageEncoder enc = new StunMessageEncoder()
                .wrap(req, 0, StunDescriptor.BINDING_REQUEST, new UnsafeBuffer(new byte[12]), 0).addFingerprint();

        int length = agent.onStunPacket(req, 0, enc.length(), BROWSER, T0, out, 0);

        response.wrap(out, 0, length);
        assertThat(errorCode(response)).isEqualTo(400);
    }

    @Test
    void checkWithoutFingerprintIsDropped() {
        UnsafeBuffer req = new UnsafeBuffer(new byte[256]);
        int reqLength = new StunMessageEncoder()
                .wrap(req, 0, StunDescriptor.BINDING_REQUEST, new UnsafeBuffer(new byte[12]), 0)
                .addAttribute(StunDescriptor.USERNAME, (local.ufrag() + ":" + BROWSER_UFRAG).getBytes(US_ASCII))
                .addAttribute(StunDescriptor.PRIORITY, new byte[4])
                .addAttribute(StunDescriptor.ICE_CONTROLLING, new byte[8])
                .addAttribute(StunDescriptor.USE_CANDIDATE, new byte[0])
                .addMessageIntegrity(hmac(local.pwd())).length();

        assertThat(agent.onStunPacket(req, 0, reqLength, BROWSER, T0, out, 0))
                .isEqualTo(IceLiteAgent.BAD_FINGERPRINT);
        assertThat(session.isNominated()).isFalse();
    }

    @Test
    void indicationsAndResponsesAreIgnoredAndCounted() {
        UnsafeBuffer msg = new UnsafeBuffer(new byte[256]);
        for (int type : new int[] {StunDescriptor.BINDING_INDICATION, StunDescriptor.BINDING_SUCCESS_RESPONSE}) {
            int length = new StunMessageEncoder().wrap(msg, 0, type, new UnsafeBuffer(new byte[12]), 0)
                    .addFingerprint().length();

            assertThat(agent.onStunPacket(msg, 0, length, BROWSER, T0, out, 0)).isEqualTo(IceLiteAgent.IGNORED);
        }
        assertThat(agent.ignored()).isEqualTo(2);
    }

    @Test
    void nonStunBytesAreDroppedAsMalformed() {
        byte[] dtls = {22, (byte) 0xfe, (byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

        assertThat(send(dtls, BROWSER, T0)).isEqualTo(IceLiteAgent.MALFORMED);
        assertThat(agent.malformedDrops()).isEqualTo(1);
    }

    @Test
    void mutatedChecksNeverThrowAndNeverNominateWithoutValidIntegrity() {
        byte[] valid = check(local.ufrag() + ":" + BROWSER_UFRAG, local.pwd(), true, true);
        java.util.Random random = new java.util.Random(8445);
        for (int i = 0; i < 20_000; i++) {
            byte[] fuzz = valid.clone();
            int length = random.nextInt(4) == 0 ? random.nextInt(valid.length + 1) : valid.length;
            for (int flips = random.nextInt(3) + 1; flips > 0; flips--) {
                fuzz[random.nextInt(valid.length)] ^= (byte) (1 << random.nextInt(8));
            }
            if (length == valid.length && java.util.Arrays.equals(fuzz, valid)) {
                continue; // two flips of the same bit cancelled out
            }
            agent.onStunPacket(new UnsafeBuffer(fuzz), 0, length, BROWSER, T0, out, 0);
        }

        assertThat(session.isNominated()).isFalse();
        assertThat(agent.successes()).isZero();
    }

    @Test
    void corruptedFingerprintIsDroppedAndCounted() {
        byte[] bytes = check(local.ufrag() + ":" + BROWSER_UFRAG, local.pwd(), true, true);
        bytes[bytes.length - 1] ^= 0x55;

        assertThat(send(bytes, BROWSER, T0)).isEqualTo(IceLiteAgent.BAD_FINGERPRINT);
        assertThat(agent.fingerprintDrops()).isEqualTo(1);
    }

    @Test
    void consentExpiresThirtySecondsAfterTheLastValidCheck() {
        long thirty = TimeUnit.SECONDS.toNanos(30);
        send(check(local.ufrag() + ":" + BROWSER_UFRAG, local.pwd(), true, true), BROWSER, T0 + thirty / 2);

        assertThat(session.isConsentExpired(T0 + thirty)).isFalse();
        assertThat(session.isConsentExpired(T0 + thirty / 2 + thirty - 1)).isFalse();
        assertThat(session.isConsentExpired(T0 + thirty / 2 + thirty)).isTrue();
        assertThat(agent.expire(T0 + thirty / 2 + thirty)).containsExactly(session);
        assertThat(agent.sessionCount()).isZero();
        assertThat(agent.sessionFor(BROWSER)).isNull();
    }

    @Test
    void sessionWithoutAnyCheckDiesAfterThirtySeconds() {
        assertThat(session.maySend(T0)).isFalse();
        assertThat(agent.expire(T0 + TimeUnit.SECONDS.toNanos(30))).containsExactly(session);
    }

    @Test
    void unregisteredSessionRevokesConsentAndLaterChecksAreUnknown() {
        agent.unregister(session);

        assertThat(session.isConsentExpired(T0)).isTrue();
        assertThat(send(check(local.ufrag() + ":" + BROWSER_UFRAG, local.pwd(), true, true), BROWSER, T0))
                .isEqualTo(IceLiteAgent.UNKNOWN_USERNAME);
    }

    @Test
    void duplicateUfragIsRefused() {
        IceLiteSession twin = new IceLiteSession(new IceCredentials(local.ufrag(), "y".repeat(22)), "zz", T0);

        assertThat(agent.register(twin)).isFalse();
    }

    @Test
    void demultiplexerFollowsRfc7983FirstByteRanges() {
        assertThat(kind(0x00, 0x01)).isEqualTo(MediaPortDemultiplexer.STUN);
        assertThat(kind(0x03, 0x00)).isEqualTo(MediaPortDemultiplexer.STUN);
        assertThat(kind(20, 0xFE)).isEqualTo(MediaPortDemultiplexer.DTLS);
        assertThat(kind(22, 0xFE)).isEqualTo(MediaPortDemultiplexer.DTLS);
        assertThat(kind(63, 0)).isEqualTo(MediaPortDemultiplexer.DTLS);
        assertThat(kind(0x80, 96)).isEqualTo(MediaPortDemultiplexer.RTP);
        assertThat(kind(0x80, 96 | 0x80)).isEqualTo(MediaPortDemultiplexer.RTP);
        assertThat(kind(0x81, 200)).isEqualTo(MediaPortDemultiplexer.RTCP);
        assertThat(kind(0x8F, 206)).isEqualTo(MediaPortDemultiplexer.RTCP);
        assertThat(kind(0xBF, 223)).isEqualTo(MediaPortDemultiplexer.RTCP);
        assertThat(kind(16, 0)).isEqualTo(MediaPortDemultiplexer.UNKNOWN);
        assertThat(kind(64, 0)).isEqualTo(MediaPortDemultiplexer.UNKNOWN);
        assertThat(kind(192, 0)).isEqualTo(MediaPortDemultiplexer.UNKNOWN);
        assertThat(MediaPortDemultiplexer.classify(new UnsafeBuffer(new byte[0]), 0, 0))
                .isEqualTo(MediaPortDemultiplexer.UNKNOWN);
    }

    private static int kind(int first, int second) {
        return MediaPortDemultiplexer.classify(new UnsafeBuffer(new byte[] {(byte) first, (byte) second}), 0, 2);
    }

    private int send(byte[] datagram, InetSocketAddress from, long now) {
        return agent.onStunPacket(new UnsafeBuffer(datagram), 0, datagram.length, from, now, out, 0);
    }

    /** A browser's connectivity check: USERNAME, PRIORITY, role, optional USE-CANDIDATE, MI, FINGERPRINT. */
    private static byte[] check(String username, String pwd, boolean useCandidate, boolean controlling) {
        byte[] txId = new byte[12];
        new SecureRandom().nextBytes(txId);
        UnsafeBuffer buf = new UnsafeBuffer(new byte[256]);
        StunMessageEncoder enc = new StunMessageEncoder()
                .wrap(buf, 0, StunDescriptor.BINDING_REQUEST, new UnsafeBuffer(txId), 0)
                .addAttribute(StunDescriptor.USERNAME, username.getBytes(US_ASCII))
                .addAttribute(StunDescriptor.PRIORITY, new byte[] {0x6e, 0, 0x1e, (byte) 0xff})
                .addAttribute(controlling ? StunDescriptor.ICE_CONTROLLING : StunDescriptor.ICE_CONTROLLED,
                        new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        if (useCandidate) {
            enc.addAttribute(StunDescriptor.USE_CANDIDATE, new byte[0]);
        }
        enc.addMessageIntegrity(hmac(pwd)).addFingerprint();
        byte[] bytes = new byte[enc.length()];
        buf.getBytes(0, bytes);
        return bytes;
    }

    private static HMac hmac(String pwd) {
        return StunIntegrity.newHmacSha1(pwd.getBytes(US_ASCII));
    }

    private static int errorCode(StunMessage message) {
        int position = message.offset() + StunDescriptor.HEADER_LENGTH;
        while (position < message.offset() + message.length()) {
            int type = message.buffer().getShort(position, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            int len = message.buffer().getShort(position + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            if (type == StunDescriptor.ERROR_CODE) {
                return (message.buffer().getByte(position + 6) & 7) * 100 + message.buffer().getByte(position + 7);
            }
            position += 4 + StunDescriptor.paddedLength(len);
        }
        return -1;
    }
}
