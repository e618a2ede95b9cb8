package dev.camrelay.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * Thread-safe: immutable, but for a header block made on first use (idempotent: racing threads make equal ones).
 *
 * <p>One response many requests get: a media playlist rendering, which every viewer at the live edge is sent when a
 * part is published (a thousand held reloads answered back to back). Its body is copied once into direct memory that
 * each response sends by a duplicate view (no copy per response: with native epoll the socket gathers from it), and
 * the header block the dispatcher adds to it in the usual case (a keep-alive request with no CORS origin) is built
 * once, not per response ({@link RequestDispatcher}). The memory is the JDK's, freed when the last view is collected.
 *
 * @see Response#shared
 */
public final class SharedBody {

    private final String contentType;
    private final Map<String, String> headers;
    private final byte[] bytes;
    private final ByteBuf content;
    private volatile HttpHeaders plainHeaders;

    /**
     * @param contentType the body's media type
     * @param headers     the handler's extra headers (as {@link Response#headers()})
     * @param bytes       the body; not changed afterwards
     */
    public SharedBody(String contentType, Map<String, String> headers, byte[] bytes) {
        this.contentType = contentType;
        this.headers = Map.copyOf(headers);
        this.bytes = bytes;
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
        this.content = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(direct));
    }

    public String contentType() {
        return contentType;
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** The body as bytes (tests, and paths that want a copy). */
    public byte[] bytes() {
        return bytes.clone();
    }

    public int length() {
        return bytes.length;
    }

    /** A view of the body for one response: its own indices, the shared memory; releasing it does nothing. */
    ByteBuf view() {
        return content.duplicate();
    }

    /** The header block for a keep-alive response without CORS headers, or null before the first such response. */
    HttpHeaders plainHeaders() {
        return plainHeaders;
    }

    void plainHeaders(HttpHeaders made) {
        plainHeaders = made;
    }
}
