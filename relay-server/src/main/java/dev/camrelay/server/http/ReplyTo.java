package dev.camrelay.server.http;

/**
 * Immutable: what a response must honour of the request it answers, beyond its own content.
 *
 * @param origin    the request's {@code Origin}, or null (CORS headers: {@link CorsPolicy})
 * @param keepAlive the connection stays open after this response (RFC 9112 §9.3)
 * @param head      a {@code HEAD} request: the headers of the response without its body (RFC 9110 §9.3.2)
 * @param http10    an HTTP/1.0 request: keep-alive must be said ({@code Connection: keep-alive}, RFC 9112 §C.2.2)
 */
record ReplyTo(String origin, boolean keepAlive, boolean head, boolean http10) {

    /** For a response to no request that was read whole (a malformed or oversized one). */
    static ReplyTo unread(boolean keepAlive) {
        return new ReplyTo(null, keepAlive, false, false);
    }

    /** A plain keep-alive GET with no CORS origin: the case a pre-encoded response ({@link SharedBody}) serves. */
    boolean plain(CorsPolicy cors) {
        return keepAlive && !head && !http10 && !cors.allows(origin);
    }
}
