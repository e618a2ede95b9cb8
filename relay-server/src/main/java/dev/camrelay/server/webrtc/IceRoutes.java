package dev.camrelay.server.webrtc;

import dev.camrelay.webrtc.ice.IceLiteAgent;
import dev.camrelay.webrtc.ice.IceLiteSession;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Single-threaded: owned by the UDP event loop, like the {@link MediaPortHandler} that routes by it; other threads
 * submit their changes to that loop.
 *
 * <p>Which WHEP session each ICE-lite session belongs to, and the ICE sessions' lifecycle: the {@link IceLiteAgent}
 * that answers checks by ufrag; a WHEP session's ICE session attached when it opens, and a second one attached by an
 * ICE restart (RFC 9725 §4.3.2; RFC 8445 §9), the old one staying valid, so media keeps flowing, until the new one is
 * nominated. {@link #sweep} runs once a second: a session whose consent expired ends (RFC 7675 §5.1); the old ICE
 * session of a restart goes once the new one is nominated; a restart whose new credentials expired unused while the
 * old ones kept consent falls back to the old (a failed restart keeps the old ICE session).
 */
final class IceRoutes {

    private final IceLiteAgent agent = new IceLiteAgent();
    private final Map<IceLiteSession, WhepSession> sessions = new HashMap<>();

    IceLiteAgent agent() {
        return agent;
    }

    /** Starts answering checks for one of the session's ICE sessions; false on a ufrag collision. */
    boolean attach(WhepSession session, IceLiteSession ice) {
        if (!agent.register(ice)) {
            return false;
        }
        sessions.put(ice, session);
        return true;
    }

    /**
     * An ICE restart's new ICE session takes over answering beside the current one, which becomes the previous; a
     * previous one still kept from an earlier restart goes (a restart of a restart keeps only the latest two).
     *
     * @return false when the session is closed or the new ufrag collides (nothing changed)
     */
    boolean restart(WhepSession session, IceLiteSession next) {
        if (session.isClosed()) {
            return false;
        }
        IceLiteSession stale = session.previousIce();
        if (stale != null) {
            detach(session, stale);
        }
        if (!attach(session, next)) {
            return false;
        }
        session.restarted(next);
        return true;
    }

    /** Stops answering all the session's checks and revokes its consent. */
    void detach(WhepSession session) {
        detach(session, session.ice());
        IceLiteSession previous = session.previousIce();
        if (previous != null) {
            detach(session, previous);
        }
    }

    /** One ICE session of a WHEP session is over (replaced by a restart, or its consent expired). */
    void detach(WhepSession session, IceLiteSession ice) {
        agent.unregister(ice);
        sessions.remove(ice);
        session.forgetPrevious(ice);
    }

    /** The WHEP session whose valid check came from {@code sender}, or null. */
    WhepSession route(InetSocketAddress sender) {
        IceLiteSession ice = agent.sessionFor(sender);
        return ice == null ? null : sessions.get(ice);
    }

    /** Once a second: consent expiry, and the end of restarts (above); {@code closer} ends a session. */
    void sweep(long now, BiConsumer<WhepSession, String> closer) {
        for (IceLiteSession expired : agent.expire(now)) {
            WhepSession s = sessions.get(expired);
            if (s == null) {
                continue;
            }
            IceLiteSession previous = s.previousIce();
            if (expired == s.ice() && previous != null && !previous.isConsentExpired(now)) {
                detach(s, expired);
                s.revertRestart(previous);
            } else if (expired == s.ice()) {
                closer.accept(s, "ICE consent expired (RFC 7675)");
            } else {
                detach(s, expired);
            }
        }
        List<WhepSession> restarted = new ArrayList<>();
        for (WhepSession s : sessions.values()) {
            if (s.previousIce() != null && s.ice().isNominated() && !restarted.contains(s)) {
                restarted.add(s);
            }
        }
        for (WhepSession s : restarted) {
            detach(s, s.previousIce());
        }
    }
}
