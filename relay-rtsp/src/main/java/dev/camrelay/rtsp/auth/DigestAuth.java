package dev.camrelay.rtsp.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

/**
 * RTSP authentication (RFC 2617 as RFC 2326 §D uses it): the client's {@code Authorization} value for a challenge,
 * and the server's check of one. {@code HA1 = H(user:realm:password)}, {@code HA2 = H(method:uri)} with the
 * request-URI exactly as sent and without credentials, and {@code response = H(HA1:nonce:HA2)}, or with
 * {@code qop=auth} {@code H(HA1:nonce:nc:cnonce:auth:HA2)} (§3.2.2.1).
 *
 * <p>Threading: stateless.
 */
public final class DigestAuth {

    private DigestAuth() {
    }

    /**
     * The {@code Authorization} header value answering {@code challenge}.
     *
     * @param uri         the request-URI as sent, without credentials
     * @param nonceCount  requests sent with this nonce so far, from 1 (used with {@code qop=auth})
     * @param cnonce      a client nonce (used with {@code qop=auth})
     */
    public static String authorization(AuthChallenge challenge, String user, String password, String method,
                                       String uri, int nonceCount, String cnonce) {
        if (challenge.scheme().equals("basic")) {
            return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                    .getBytes(StandardCharsets.UTF_8));
        }
        String algorithm = challenge.algorithm();
        String ha1 = hash(algorithm, user + ":" + challenge.realm() + ":" + password);
        String ha2 = hash(algorithm, method + ":" + uri);
        String nc = String.format("%08x", nonceCount);
        String response = challenge.qopAuth()
                ? hash(algorithm, ha1 + ":" + challenge.nonce() + ":" + nc + ":" + cnonce + ":auth:" + ha2)
                : hash(algorithm, ha1 + ":" + challenge.nonce() + ":" + ha2);
        StringBuilder sb = new StringBuilder("Digest username=\"").append(user)
                .append("\", realm=\"").append(challenge.realm())
                .append("\", nonce=\"").append(challenge.nonce())
                .append("\", uri=\"").append(uri)
                .append("\", response=\"").append(response).append('"');
        if (!algorithm.equals("MD5")) {
            sb.append(", algorithm=").append(algorithm);
        }
        if (!challenge.opaque().isEmpty()) {
            sb.append(", opaque=\"").append(challenge.opaque()).append('"');
        }
        if (challenge.qopAuth()) {
            sb.append(", qop=auth, nc=").append(nc).append(", cnonce=\"").append(cnonce).append('"');
        }
        return sb.toString();
    }

    /**
     * Checks a client's {@code Authorization} value (server side, protocols.md 2.4). Basic and Digest-MD5 (and
     * SHA-256 if the client chose it); the digest {@code uri} may be absolute or path-only (Bosch BVMS) and is used
     * as sent: the response proves the password whatever URI it was computed over.
     *
     * @param nonce the nonce this server issued for the connection
     */
    public static boolean verify(String authorization, String method, String realm, String nonce, String user,
                                 String password) {
        if (authorization == null || authorization.length() > AuthParameters.MAX_HEADER_LENGTH) {
            return false;
        }
        String scheme = AuthParameters.scheme(authorization);
        if (scheme.equals("basic")) {
            String token = authorization.strip().substring(5).strip();
            String expected = Base64.getEncoder().encodeToString((user + ":" + password)
                    .getBytes(StandardCharsets.UTF_8));
            return MessageDigest.isEqual(token.getBytes(StandardCharsets.US_ASCII),
                    expected.getBytes(StandardCharsets.US_ASCII));
        }
        if (!scheme.equals("digest")) {
            return false;
        }
        Map<String, String> p = AuthParameters.parameters(authorization);
        String algorithm = p.getOrDefault("algorithm", "MD5").toUpperCase(Locale.ROOT);
        if (!user.equals(p.get("username")) || !realm.equals(p.get("realm")) || !nonce.equals(p.get("nonce"))
                || p.get("uri") == null || p.get("response") == null
                || !(algorithm.equals("MD5") || algorithm.equals("SHA-256"))) {
            return false;
        }
        String ha1 = hash(algorithm, user + ":" + realm + ":" + password);
        String ha2 = hash(algorithm, method + ":" + p.get("uri"));
        String qop = p.get("qop");
        String expected = qop != null && qop.equalsIgnoreCase("auth")
                ? hash(algorithm, ha1 + ":" + nonce + ":" + p.getOrDefault("nc", "") + ":"
                        + p.getOrDefault("cnonce", "") + ":auth:" + ha2)
                : hash(algorithm, ha1 + ":" + nonce + ":" + ha2);
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                p.get("response").toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    }

    /** A Digest-MD5 challenge value for servers (protocols.md 2.4: offer Basic and Digest-MD5, not SHA-256). */
    public static String challenge(String realm, String nonce) {
        return "Digest realm=\"" + realm + "\", nonce=\"" + nonce + "\"";
    }

    static String hash(String algorithm, String s) {
        try {
            MessageDigest md = MessageDigest.getInstance(algorithm.equals("SHA-256") ? "SHA-256" : "MD5");
            return HexFormat.of().formatHex(md.digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK without " + algorithm, e);
        }
    }
}
