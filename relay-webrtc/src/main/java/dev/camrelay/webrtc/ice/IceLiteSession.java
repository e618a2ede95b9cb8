package dev.camrelay.webrtc.ice;

import static java.nio.charset.StandardCharsets.US_ASCII;

import dev.camrelay.webrtc.stun.StunIntegrity;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.macs.HMac;

/**
 * ICE state of one viewer session on a lite agent (RFC 8445 §6.1.1, Appendix A): its credentials, the nominated
 * remote address and consent freshness (RFC 7675).
 *
 * <p>Created on the control plane; once handed to {@link IceLiteAgent#register} only the agent's I/O thread writes it.
 * {@link #nominatedAddress}, {@link #isConsentExpired} and {@link #maySend} may be read from any thread (the media
 * sender, the DTLS thread): the fields behind them are volatile, written once per valid check.
 */
public final class IceLiteSession {

    /** Consent expires 30 s after the last valid check (RFC 7675 §5.1). */
    public static final long CONSENT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final IceCredentials local;
    private final String remoteUfrag;
    private final byte[] expectedUsername;
    private final HMac hmac;
    private volatile long lastValidCheckNanos;
    private volatile InetSocketAddress nominatedAddress;
    private volatile boolean revoked;
    private long validChecks;
    private InetSocketAddress cachedSender;
    private byte[] cachedRawAddress;

    /**
     * @param local       our ufrag/pwd, as put in the SDP answer
     * @param remoteUfrag the browser's ufrag from the offer
     * @param nowNanos    creation time: with no valid check within the consent timeout the session is dead
     */
    public IceLiteSession(IceCredentials local, String remoteUfrag, long nowNanos) {
        this.local = Objects.requireNonNull(local, "local");
        this.remoteUfrag = Objects.requireNonNull(remoteUfrag, "remoteUfrag");
        // A check from the browser carries USERNAME "ourUfrag:theirUfrag" (RFC 8445 §7.2.2).
        this.expectedUsername = (local.ufrag() + ":" + remoteUfrag).getBytes(US_ASCII);
        this.hmac = StunIntegrity.newHmacSha1(local.pwd().getBytes(US_ASCII));
        this.lastValidCheckNanos = nowNanos;
    }

    public IceCredentials localCredentials() {
        return local;
    }

    public String remoteUfrag() {
        return remoteUfrag;
    }

    byte[] expectedUsername() {
        return expectedUsername;
    }

    HMac hmac() {
        return hmac;
    }

    void onValidCheck(InetSocketAddress from, boolean useCandidate, long nowNanos) {
        lastValidCheckNanos = nowNanos;
        validChecks++;
        if (useCandidate) {
            // The latest nomination wins, so a NAT rebinding moves the media (RFC 8445 §7.3.1.5).
            nominatedAddress = from;
        }
    }

    /**
     * The sender's address bytes for XOR-MAPPED-ADDRESS. {@code InetAddress.getAddress()} copies, so the bytes of the
     * last sender are kept: consent checks repeat from the same address, and then nothing is allocated.
     */
    byte[] rawAddressOf(InetSocketAddress sender) {
        if (!sender.equals(cachedSender)) {
            cachedRawAddress = sender.getAddress().getAddress();
            cachedSender = sender;
        }
        return cachedRawAddress;
    }

    void revoke() {
        revoked = true;
    }

    /** Where media goes: the address of the latest nominating check, or null before nomination. */
    public InetSocketAddress nominatedAddress() {
        return nominatedAddress;
    }

    public boolean isNominated() {
        return nominatedAddress != null;
    }

    public long validChecks() {
        return validChecks;
    }

    public long lastValidCheckNanos() {
        return lastValidCheckNanos;
    }

    /** True once 30 s passed without a valid check, or after the session was unregistered (RFC 7675 §5.2). */
    public boolean isConsentExpired(long nowNanos) {
        return revoked || nowNanos - lastValidCheckNanos >= CONSENT_TIMEOUT_NANOS;
    }

    /** Media may be sent: nominated and consent fresh. */
    public boolean maySend(long nowNanos) {
        return nominatedAddress != null && !isConsentExpired(nowNanos);
    }

    @Override
    public String toString() {
        return "IceLiteSession[" + local.ufrag() + ":" + remoteUfrag + ", nominated=" + nominatedAddress + "]";
    }
}
