package dev.camrelay.rtsp.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One {@code WWW-Authenticate} challenge (RFC 2617 §3.2.1 Digest, §2 Basic; RFC 7616 SHA-256).
 *
 * @param scheme    {@code basic} or {@code digest}
 * @param realm     the realm
 * @param nonce     Digest nonce, "" for Basic
 * @param opaque    Digest opaque, "" if absent
 * @param algorithm {@code MD5} (also when absent) or {@code SHA-256}
 * @param qopAuth   true when the server offers {@code qop=auth}
 * @param stale     true when {@code stale=true}: retry with the new nonce, the password was right
 */
public record AuthChallenge(String scheme, String realm, String nonce, String opaque, String algorithm,
                            boolean qopAuth, boolean stale) {

    /** Every usable challenge among the headers' values (protocols.md 1.3: read every header). */
    public static List<AuthChallenge> parseAll(List<String> wwwAuthenticate) {
        List<AuthChallenge> all = new ArrayList<>();
        for (String h : wwwAuthenticate) {
            String scheme = AuthParameters.scheme(h);
            Map<String, String> p = AuthParameters.parameters(h);
            String realm = p.getOrDefault("realm", "");
            if (scheme.equals("basic")) {
                all.add(new AuthChallenge("basic", realm, "", "", "", false, false));
            } else if (scheme.equals("digest") && p.containsKey("nonce")) {
                String algorithm = p.getOrDefault("algorithm", "MD5").toUpperCase(Locale.ROOT);
                if (!algorithm.equals("MD5") && !algorithm.equals("SHA-256")) {
                    continue;
                }
                boolean qopAuth = false;
                for (String q : p.getOrDefault("qop", "").split(",")) {
                    qopAuth |= q.strip().equalsIgnoreCase("auth");
                }
                all.add(new AuthChallenge("digest", realm, p.get("nonce"), p.getOrDefault("opaque", ""), algorithm,
                        qopAuth, p.getOrDefault("stale", "").equalsIgnoreCase("true")));
            }
        }
        return all;
    }

    /** Digest SHA-256 over Digest MD5 over Basic (protocols.md 1.3); null if none. */
    public static AuthChallenge preferred(List<AuthChallenge> challenges) {
        AuthChallenge best = null;
        for (AuthChallenge c : challenges) {
            if (best == null || c.rank() > best.rank()) {
                best = c;
            }
        }
        return best;
    }

    private int rank() {
        if (scheme.equals("basic")) {
            return 0;
        }
        return algorithm.equals("SHA-256") ? 2 : 1;
    }
}
