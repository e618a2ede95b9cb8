package dev.camrelay.rtsp.client;

import dev.camrelay.rtsp.auth.AuthChallenge;
import dev.camrelay.rtsp.auth.DigestAuth;
import dev.camrelay.rtsp.message.RtspHeaders;
import dev.camrelay.rtsp.message.RtspRequest;
import dev.camrelay.rtsp.message.RtspResponse;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

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

    /** For a URL with the credentials (if any) in its user-info, percent-encoded. */
    static ClientRequests forUrl(String url) {
        String userInfo = URI.create(url).getRawUserInfo();
        if (userInfo == null) {
            return new ClientRequests(null, null);
        }
        int colon = userInfo.indexOf(':');
        return new ClientRequests(decode(colon < 0 ? userInfo : userInfo.substring(0, colon)),
                colon < 0 ? "" : decode(userInfo.substring(colon + 1)));
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

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

    /**
     * Takes the session id of a SETUP answer's {@code Session: id;timeout=N} (RFC 2326 §12.37).
     *
     * @return the timeout in seconds, {@code defaultTimeout} when absent or unreadable
     */
    int takeSession(String header, int defaultTimeout) {
        if (header == null || header.isBlank()) {
            return defaultTimeout;
        }
        String[] parts = header.split(";");
        session = parts[0].strip();
        int timeout = defaultTimeout;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].strip().toLowerCase(Locale.ROOT);
            if (p.startsWith("timeout=")) {
                try {
                    timeout = Math.max(1, Integer.parseInt(p.substring(8).strip()));
                } catch (NumberFormatException e) {
                    timeout = defaultTimeout;
                }
            }
        }
        return timeout;
    }

    String session() {
        return session;
    }

    boolean hasCredentials() {
        return user != null;
    }
}
