package dev.camrelay.server.http;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A whole response a handler returns; the dispatcher adds CORS, caching and length headers.
 *
 * @param status      HTTP status
 * @param contentType media type of {@code body}, or null for no body
 * @param body        the bytes (empty for none)
 * @param headers     extra headers
 */
public record Response(int status, String contentType, byte[] body, Map<String, String> headers) {

    public static final String JSON = "application/json; charset=utf-8";

    public Response {
        headers = Map.copyOf(headers);
    }

    public static Response noContent() {
        return new Response(204, null, new byte[0], Map.of());
    }

    public static Response text(int status, String contentType, String text) {
        return new Response(status, contentType, text.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    public Response withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new Response(status, contentType, body, h);
    }
}
