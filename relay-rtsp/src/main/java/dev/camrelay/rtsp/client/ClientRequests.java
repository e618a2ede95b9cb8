package dev.camrelay.rtsp.client;

import dev.camrelay.rtsp.auth.AuthChallenge;
import dev.camrelay.rtsp.auth.DigestAuth;
import dev.camrelay.rtsp.message.RtspHeaders;
import dev.camrelay.rtsp.message.RtspRequest;
import dev.camrelay.rtsp.message.RtspResponse;
import java.util.List;

/**
 * Threading: confined to the pull session's event loop.
 *
 * <p>Builds a pull session's requests: CSeq, {@code User-Agent} (one camera answers 401 without it, go2rtc#235),
 * {@code Session} once known, and {@code Authorization} for the strongest challenge seen (protocols.md 1.3: Digest
 * SHA-256 over MD5 over Basic, {@code qop=auth} with a fresh nc/cnonce per request). A 401 (also one with
 * {@code stale=true}, a new nonce) replaces the challenge, so any request can be re-authenticated, keepalives and
 * TEARDOWN included.
 */
final class ClientRequests {

    static final String USER_AGENT = "camrelay";
    /** Headers a re-sent request keeps (everything else is rebuilt). */
    private static final List<String> KEPT_ON_RETRY = List.of("Accept", "Transport", "Range");

    private final String user;
    private final String password;
    private int cseq;
    private String session;
    private AuthChallenge challenge;
    private int nonceCount;

    /** @param user null when the URL carries no credentials */
    ClientRequests(String user, String password) {
        this.user = user;
        this.password = password;
    }

    RtspRequest request(String method, String uri) {
        RtspHeaders h = new RtspHeaders().add("CSeq", String.valueOf(++cseq)).add("User-Agent", USER_AGENT);
        if (session != null) {
            h.add("Session", session);
        }
        if (challenge != null && user != null) {
            h.add("Authorization", DigestAuth.authorization(challenge, user, password, method, uri, ++nonceCount,
                    Long.toHexString(System.nanoTime())));
        }
        return new RtspRequest(method, uri, h);
    }

    /**
     * Takes the challenge of a 401.
     *
     * @return true when a retry with credentials can succeed (there are credentials and a usable challenge)
     */
    boolean challenged(RtspResponse unauthorized) {
        if (user == null) {
            return false;
        }
        AuthChallenge c = AuthChallenge.preferred(AuthChallenge.parseAll(
                unauthorized.headers().getAll("WWW-Authenticate")));
        if (c == null) {
            return false;
        }
        challenge = c;
        nonceCount = 0;
        return true;
    }

    /** The same request again with a new CSeq and fresh credentials. */
    RtspRequest retry(RtspRequest r) {
        RtspRequest again = request(r.method(), r.uri());
        for (String name : KEPT_ON_RETRY) {
            String v = r.headers().get(name);
            if (v != null) {
                again.headers().add(name, v);
            }
        }
        return again;
    }

    static int cseqOf(RtspRequest r) {
        return Integer.parseInt(r.headers().get("CSeq"));
    }

    static boolean answers(RtspRequest r, RtspResponse response) {
        return r != null && String.valueOf(cseqOf(r)).equals(response.headers().get("CSeq"));
    }

    void session(String id) {
        this.session = id;
    }

    String session() {
        return session;
    }

    boolean hasCredentials() {
        return user != null;
    }
}
