package dev.camrelay.webrtc.ice;

import static dev.camrelay.webrtc.stun.StunDescriptor.BINDING_ERROR_RESPONSE;
import static dev.camrelay.webrtc.stun.StunDescriptor.BINDING_REQUEST;
import static dev.camrelay.webrtc.stun.StunDescriptor.BINDING_SUCCESS_RESPONSE;
import static dev.camrelay.webrtc.stun.StunDescriptor.ERROR_BAD_REQUEST;
import static dev.camrelay.webrtc.stun.StunDescriptor.ERROR_ROLE_CONFLICT;
import static dev.camrelay.webrtc.stun.StunDescriptor.ERROR_UNAUTHENTICATED;
import static dev.camrelay.webrtc.stun.StunDescriptor.ERROR_UNKNOWN_ATTRIBUTE;
import static java.nio.charset.StandardCharsets.US_ASCII;

import dev.camrelay.webrtc.stun.StunMessage;
import dev.camrelay.webrtc.stun.StunMessageEncoder;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Single-threaded: every method runs on the one UDP I/O thread of the WebRTC port; the control plane hands
 * sessions over through that thread's executor.
 *
 * <p>The responder half of an ICE-lite agent (RFC 8445 §6.1.1, Appendix A) for all sessions on one port. It never
 * sends checks and is always controlled. Each Binding request is routed by the local ufrag at the front of its
 * USERNAME (§7.2.2), authenticated with that session's password (RFC 8489 §9.1.3) and answered with
 * XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY and FINGERPRINT. USE-CANDIDATE nominates the sender's address; a valid check
 * refreshes consent (RFC 7675). Errors follow RFC 8489 §9.1.3 and RFC 8445 §7.3.1.1: 400 for missing attributes,
 * 401 for bad integrity, 420 for unknown comprehension-required attributes, 487 for a peer that is controlled too.
 * Repeated checks from the same address allocate nothing.
 *
 * <p>Outcomes of {@link #onStunPacket}: a positive value is a response to send back to the sender; zero or a
 * negative value means nothing is sent, and each such drop is counted.
 */
public final class IceLiteAgent {

    /** Indication (keepalive) or a response: nothing to answer. */
    public static final int IGNORED = 0;
    public static final int MALFORMED = -1;
    /** FINGERPRINT wrong, misplaced or missing from a check. */
    public static final int BAD_FINGERPRINT = -2;
    /** USERNAME names no registered session, or the wrong remote ufrag: dropped, not answered. */
    public static final int UNKNOWN_USERNAME = -3;

    private static final byte[] REASON_BAD_REQUEST = "Bad Request".getBytes(US_ASCII);
    private static final byte[] REASON_UNAUTHENTICATED = "Unauthenticated".getBytes(US_ASCII);
    private static final byte[] REASON_UNKNOWN_ATTRIBUTE = "Unknown Attribute".getBytes(US_ASCII);
    private static final byte[] REASON_ROLE_CONFLICT = "Role Conflict".getBytes(US_ASCII);

    private final Long2ObjectHashMap<IceLiteSession> sessionsByUfrag = new Long2ObjectHashMap<>();
    private final Map<InetSocketAddress, IceLiteSession> sessionsByAddress = new HashMap<>();
    private final StunMessage request = new StunMessage();
    private final StunMessageEncoder encoder = new StunMessageEncoder();
    private final UnsafeBuffer addressView = new UnsafeBuffer(0, 0);

    private long malformedDrops;
    private long fingerprintDrops;
    private long unknownUsernameDrops;
    private long unauthenticated;
    private long badRequests;
    private long roleConflicts;
    private long successes;
    private long ignored;

    /**
     * Adds a session so its checks are answered.
     *
     * @return false if another session has the same ufrag (or the same 64-bit ufrag hash): generate new credentials
     */
    public boolean register(IceLiteSession session) {
        byte[] ufrag = session.localCredentials().ufrag().getBytes(US_ASCII);
        long key = hash(new UnsafeBuffer(ufrag), 0, ufrag.length);
        if (sessionsByUfrag.containsKey(key)) {
            return false;
        }
        sessionsByUfrag.put(key, session);
        return true;
    }

    /** Removes a session and revokes its consent (RFC 7675 §5.2): later checks are dropped as unknown. */
    public void unregister(IceLiteSession session) {
        byte[] ufrag = session.localCredentials().ufrag().getBytes(US_ASCII);
        long key = hash(new UnsafeBuffer(ufrag), 0, ufrag.length);
        if (sessionsByUfrag.get(key) == session) {
            sessionsByUfrag.remove(key);
        }
        sessionsByAddress.values().removeIf(s -> s == session);
        session.revoke();
    }

    /**
     * Unregisters every session whose consent expired; the caller tears down their DTLS and media.
     *
     * @return the expired sessions (control-plane call, allocates)
     */
    public List<IceLiteSession> expire(long nowNanos) {
        List<IceLiteSession> expired = new ArrayList<>();
        for (IceLiteSession session : sessionsByUfrag.values()) {
            if (session.isConsentExpired(nowNanos)) {
                expired.add(session);
            }
        }
        expired.forEach(this::unregister);
        return expired;
    }

    /** The session whose valid check came from {@code address}: routes DTLS and RTCP, which carry no ufrag. */
    public IceLiteSession sessionFor(InetSocketAddress address) {
        return sessionsByAddress.get(address);
    }

    public int sessionCount() {
        return sessionsByUfrag.size();
    }

    /**
     * Handles one datagram classified as STUN.
     *
     * @param out where a response is written, from {@code outOffset}, at least
     *            {@link StunMessageEncoder#MIN_CAPACITY} bytes
     * @return length of the response to send to {@code sender}, or {@link #IGNORED} or a negative drop status
     */
    public int onStunPacket(DirectBuffer in, int offset, int length, InetSocketAddress sender, long nowNanos,
                            MutableDirectBuffer out, int outOffset) {
        int status = request.wrap(in, offset, length);
        if (status == StunMessage.BAD_FINGERPRINT) {
            fingerprintDrops++;
            return BAD_FINGERPRINT;
        }
        if (status != StunMessage.OK) {
            malformedDrops++;
            return MALFORMED;
        }
        if (request.messageType() != BINDING_REQUEST) {
            ignored++;
            return IGNORED;
        }
        if (!request.hasFingerprint()) {
            // Checks MUST carry FINGERPRINT (RFC 8445 §7.2.2); without it the packet may not be STUN at all.
            fingerprintDrops++;
            return BAD_FINGERPRINT;
        }
        if (!request.hasUsername() || !request.hasMessageIntegrity()) {
            // RFC 8489 §9.1.3: a request without the credential attributes gets 400, unauthenticated.
            badRequests++;
            return error(ERROR_BAD_REQUEST, REASON_BAD_REQUEST, null, out, outOffset);
        }
        IceLiteSession session = lookup();
        if (session == null) {
            unknownUsernameDrops++;
            return UNKNOWN_USERNAME;
        }
        if (!request.verifyMessageIntegrity(session.hmac())) {
            unauthenticated++;
            return error(ERROR_UNAUTHENTICATED, REASON_UNAUTHENTICATED, null, out, outOffset);
        }
        if (request.unknownComprehensionRequired() > 0) {
            badRequests++;
            encoder.wrap(out, outOffset, BINDING_ERROR_RESPONSE, request.buffer(), request.transactionIdOffset())
                    .addErrorCode(ERROR_UNKNOWN_ATTRIBUTE, REASON_UNKNOWN_ATTRIBUTE).addUnknownAttributes(request)
                    .addMessageIntegrity(session.hmac()).addFingerprint();
            return encoder.length();
        }
        if (!request.hasPriority() || (request.iceControlling() == request.iceControlled())) {
            // RFC 8445 §7.1.1-7.1.3: PRIORITY and exactly one role attribute are mandatory in a check.
            badRequests++;
            return error(ERROR_BAD_REQUEST, REASON_BAD_REQUEST, session, out, outOffset);
        }
        if (request.iceControlled()) {
            // A lite agent is always controlled (RFC 8445 §6.1.1) and cannot switch: the peer must (§7.3.1.1).
            roleConflicts++;
            return error(ERROR_ROLE_CONFLICT, REASON_ROLE_CONFLICT, session, out, outOffset);
        }
        session.onValidCheck(sender, request.useCandidate(), nowNanos);
        sessionsByAddress.put(sender, session);
        successes++;
        return success(session, sender, out, outOffset);
    }

    private IceLiteSession lookup() {
        int colon = request.usernameColonIndex();
        if (colon <= 0) {
            return null;
        }
        long key = hash(request.buffer(), request.usernameOffset(), colon);
        IceLiteSession session = sessionsByUfrag.get(key);
        if (session == null || !request.usernameEquals(session.expectedUsername())) {
            return null;
        }
        return session;
    }

    private int success(IceLiteSession session, InetSocketAddress sender, MutableDirectBuffer out, int outOffset) {
        encoder.wrap(out, outOffset, BINDING_SUCCESS_RESPONSE, request.buffer(), request.transactionIdOffset());
        byte[] raw = session.rawAddressOf(sender);
        if (raw.length == 4) {
            addressView.wrap(raw);
            encoder.addXorMappedAddressIpv4(addressView.getInt(0, ByteOrder.BIG_ENDIAN), sender.getPort());
        } else {
            encoder.addXorMappedAddressIpv6(raw, sender.getPort());
        }
        encoder.addMessageIntegrity(session.hmac()).addFingerprint();
        return encoder.length();
    }

    /** Error response; with MESSAGE-INTEGRITY only when the request authenticated (RFC 8489 §6.3.4, §9.1.3). */
    private int error(int code, byte[] reason, IceLiteSession authenticated, MutableDirectBuffer out, int outOffset) {
        encoder.wrap(out, outOffset, BINDING_ERROR_RESPONSE, request.buffer(), request.transactionIdOffset())
                .addErrorCode(code, reason);
        if (authenticated != null) {
            encoder.addMessageIntegrity(authenticated.hmac());
        }
        encoder.addFingerprint();
        return encoder.length();
    }

    /** FNV-1a over the ufrag bytes: a map key found without building a String. */
    private static long hash(DirectBuffer buffer, int offset, int length) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < length; i++) {
            h ^= buffer.getByte(offset + i) & 0xFF;
            h *= 0x100000001b3L;
        }
        return h;
    }

    public long malformedDrops() {
        return malformedDrops;
    }

    public long fingerprintDrops() {
        return fingerprintDrops;
    }

    public long unknownUsernameDrops() {
        return unknownUsernameDrops;
    }

    public long unauthenticated() {
        return unauthenticated;
    }

    public long badRequests() {
        return badRequests;
    }

    public long roleConflicts() {
        return roleConflicts;
    }

    public long successes() {
        return successes;
    }

    public long ignored() {
        return ignored;
    }
}
