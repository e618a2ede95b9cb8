package dev.camrelay.server.http;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A whole response a handler returns; the dispatcher adds CORS, caching and length headers.
 *
 * <p>The body is either {@code body} (heap bytes, for API JSON and playlists) or {@code content}: a reference-counted
 * buffer the response owns one reference of, sent as it is, without a copy (the LL-HLS media in its stream's own
 * direct memory). The dispatcher releases {@code content} exactly once, by writing it or by dropping it when the
 * connection has gone; whoever drops such a response before it reaches the dispatcher must release it.
 *
 * @param status      HTTP status
 * @param contentType media type of the body, or null for no body
 * @param body        the bytes (empty for none, and when {@code content} is given)
 * @param headers     extra headers
 * @param content     the body as a buffer this response owns a reference of, or null for {@code body}
 * @param timing      told when the response has been written to the socket, or null
 * @param stampNanos  what {@code timing} measures from ({@link System#nanoTime()} clock)
 * @param shared      the {@link SharedBody} that {@code content} is a view of, or null
 */
public record Response(int status, String contentType, byte[] body, Map<String, String> headers, ByteBuf content,
                       ResponseTiming timing, long stampNanos, SharedBody shared) {

    public static final String JSON = "application/json; charset=utf-8";
    private static final byte[] EMPTY = new byte[0];

    public Response {
        headers = Map.copyOf(headers);
        if (content != null && body.length > 0) {
            throw new IllegalArgumentException("a response has either body bytes or a content buffer");
        }
    }

    public Response(int status, String contentType, byte[] body, Map<String, String> headers) {
        this(status, contentType, body, headers, null, null, 0, null);
    }

    /**
     * A 200 of a {@link SharedBody}, sent from its memory (in wire form, made once, where it can); reported to
     * {@code timing} with {@code stampNanos} when written, unless {@code timing} is null.
     */
    public static Response shared(SharedBody body, ResponseTiming timing, long stampNanos) {
        return new Response(200, body.contentType(), EMPTY, body.headers(), body.view(), timing, stampNanos, body);
    }

    /** A response whose body is {@code content}; the response takes over the caller's reference to it. */
    public static Response ofContent(int status, String contentType, ByteBuf content, Map<String, String> headers) {
        return new Response(status, contentType, EMPTY, headers, content, null, 0, null);
    }

    /** A response of heap bytes whose write to the socket is reported to {@code timing} with {@code stampNanos}. */
    public static Response timed(int status, String contentType, byte[] body, Map<String, String> headers,
                                 ResponseTiming timing, long stampNanos) {
        return new Response(status, contentType, body, headers, null, timing, stampNanos, null);
    }

    public static Response noContent() {
        return new Response(204, null, EMPTY, Map.of());
    }

    public static Response text(int status, String contentType, String text) {
        return new Response(status, contentType, text.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** The body's length in bytes. */
    public int length() {
        return content != null ? content.readableBytes() : body.length;
    }

    /** The same response with one more header; the copy takes over {@code content} (use only the copy). */
    public Response withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new Response(status, contentType, body, h, content, timing, stampNanos, null); // headers differ now
    }
}
