package dev.camrelay.server.http;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * One whole HTTP request as handlers see it: copied out of Netty's buffers on the event loop, so a handler on
 * another thread never touches reference-counted memory.
 *
 * @param method     upper-case method
 * @param path       the raw path as sent, without the query (for logs and routing)
 * @param pathParams values of the route's {@code {name}} segments, URL-decoded
 * @param query      query parameters, URL-decoded
 * @param headers    the request's headers, not changed by anyone after the request is read (the decoder's own:
 *                   unlike the body, headers are not reference-counted memory, so no copy is needed)
 * @param body       the body bytes (at most the server's body limit)
 * @param connection the connection's event loop, where its response is written; a handler completing a wait there
 *                   saves a hop (null when there is none, as in unit tests)
 */
public record Request(String method, String path, Map<String, String> pathParams, Map<String, List<String>> query,
                      HttpHeaders headers, byte[] body, Executor connection) {

    /** A request with no connection's event loop (unit tests). */
    public Request(String method, String path, Map<String, String> pathParams, Map<String, List<String>> query,
                   HttpHeaders headers, byte[] body) {
        this(method, path, pathParams, query, headers, body, null);
    }

    public String header(CharSequence name) {
        return headers.get(name);
    }

    public String pathParam(String name) {
        return pathParams.get(name);
    }

    /** The first value of a query parameter, or null. */
    public String queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    Request withPathParams(Map<String, String> params) {
        return new Request(method, path, Map.copyOf(params), query, headers, body, connection);
    }
}
