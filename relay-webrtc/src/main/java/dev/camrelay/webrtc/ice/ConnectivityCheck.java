package dev.camrelay.webrtc.ice;

import static java.nio.charset.StandardCharsets.US_ASCII;

import dev.camrelay.webrtc.stun.StunDescriptor;
import dev.camrelay.webrtc.stun.StunIntegrity;
import dev.camrelay.webrtc.stun.StunMessage;
import dev.camrelay.webrtc.stun.StunMessageEncoder;
import java.security.SecureRandom;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Stateless and thread-safe; every call allocates (players, tools and tests: never the relay's media path).
 *
 * <p>The controlling agent's side of an ICE connectivity check (RFC 8445 §7.2.2), as a browser sends it to the
 * relay, which is ICE-lite and never checks itself: a Binding request with USERNAME {@code remoteUfrag:localUfrag},
 * PRIORITY, ICE-CONTROLLING with a random tie-breaker, USE-CANDIDATE (nomination, §8.1.1), MESSAGE-INTEGRITY keyed
 * with the remote password and FINGERPRINT last (RFC 8489 §14.5, §14.7); and the test of its answer.
 */
public final class ConnectivityCheck {

    /**
     * PRIORITY of the check: computed as for a peer-reflexive candidate (RFC 8445 §7.1.1), type preference 110,
     * local preference 30, component 1 ({@code 2^24 * 110 + 2^8 * 30 + 255}, §5.1.2.1).
     */
    public static final int PRIORITY = (110 << 24) | (30 << 8) | 255;
    private static final int TIE_BREAKER_LENGTH = 8;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ConnectivityCheck() {
    }

    /** A nominating Binding request for {@code username} ({@code remoteUfrag:localUfrag}), keyed with {@code pwd}. */
    public static byte[] request(String username, String pwd) {
        byte[] transactionId = new byte[StunDescriptor.TRANSACTION_ID_LENGTH];
        byte[] tieBreaker = new byte[TIE_BREAKER_LENGTH];
        RANDOM.nextBytes(transactionId);
        RANDOM.nextBytes(tieBreaker);
        byte[] priority = {(byte) (PRIORITY >>> 24), (byte) (PRIORITY >>> 16), (byte) (PRIORITY >>> 8),
            (byte) PRIORITY};
        UnsafeBuffer out = new UnsafeBuffer(new byte[StunMessageEncoder.MIN_CAPACITY + username.length()]);
        int length = new StunMessageEncoder()
                .wrap(out, 0, StunDescriptor.BINDING_REQUEST, new UnsafeBuffer(transactionId), 0)
                .addAttribute(StunDescriptor.USERNAME, username.getBytes(US_ASCII))
                .addAttribute(StunDescriptor.PRIORITY, priority)
                .addAttribute(StunDescriptor.ICE_CONTROLLING, tieBreaker)
                .addAttribute(StunDescriptor.USE_CANDIDATE, new byte[0])
                .addMessageIntegrity(StunIntegrity.newHmacSha1(pwd.getBytes(US_ASCII)))
                .addFingerprint()
                .length();
        byte[] request = new byte[length];
        out.getBytes(0, request);
        return request;
    }

    /** True when {@code datagram[0, length)} is a Binding success response whose integrity verifies under pwd. */
    public static boolean isAnsweredBy(byte[] datagram, int length, String pwd) {
        StunMessage response = new StunMessage();
        return response.wrap(new UnsafeBuffer(datagram, 0, length), 0, length) == StunMessage.OK
                && response.messageType() == StunDescriptor.BINDING_SUCCESS_RESPONSE
                && response.verifyMessageIntegrity(StunIntegrity.newHmacSha1(pwd.getBytes(US_ASCII)));
    }
}
