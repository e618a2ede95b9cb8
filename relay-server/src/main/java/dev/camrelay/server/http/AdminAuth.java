package dev.camrelay.server.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;

/**
 * Checks {@code Authorization: Bearer <admin key>}. The comparison runs over SHA-256 digests with
 * {@link MessageDigest#isEqual}, so its time depends neither on where a wrong key differs nor on its length.
 *
 * <p>Threading: immutable; thread-safe.
 */
public final class AdminAuth {

    private static final String BEARER = "Bearer ";

    private final byte[] keyDigest;

    public AdminAuth(String adminKey) {
        this.keyDigest = sha256(adminKey);
    }

    /** @throws HttpError 401 when the header is missing, malformed or carries another key */
    public void require(Request request) {
        String header = request.header(HttpHeaderNames.AUTHORIZATION);
        if (header == null || header.isEmpty()) {
            throw unauthorized("missing Authorization header; send 'Authorization: Bearer <admin key>' "
                    + "(printed at start-up, or RELAY_ADMIN_KEY)");
        }
        if (request.headers().getAll(HttpHeaderNames.AUTHORIZATION).size() > 1) {
            // RFC 9110 section 11.6.2: one set of credentials. Which of several would count is an ambiguity to refuse.
            throw unauthorized("more than one Authorization header; send exactly one");
        }
        if (header.length() <= BEARER.length() || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw unauthorized("the Authorization header must be 'Bearer <admin key>'");
        }
        if (!MessageDigest.isEqual(keyDigest, sha256(header.substring(BEARER.length()).trim()))) {
            throw unauthorized("wrong admin key");
        }
    }

    /** Wraps a handler so it runs only for requests with the admin key. */
    public RouteHandler protect(RouteHandler handler) {
        return request -> {
            require(request);
            return handler.handle(request);
        };
    }

    private static HttpError unauthorized(String message) {
        return new HttpError(401, "unauthorized", message, Map.of("WWW-Authenticate", "Bearer realm=\"camrelay\""));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
