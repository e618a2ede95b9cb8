package dev.camrelay.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Thread-safe: immutable, but for its wire form, made on first use (idempotent: racing threads make equal ones).
 *
 * <p>One response many requests get: a media playlist rendering, which every viewer at the live edge is sent when a
 * part is published (a thousand held reloads answered back to back). Its body is copied once into direct memory that
 * each response sends by a duplicate view (no copy per response: with native epoll the socket writes from it). In the
 * usual case (a keep-alive GET with no CORS origin, {@link ReplyTo#plain}) the whole response is in wire form, made
 * once: status line, the header block the dispatcher gives it, body, in one piece of memory that each response writes
 * past the HTTP encoder with one system call ({@link RequestDispatcher}). The memory is the JDK's, freed when the last
 * view is collected.
 *
 * @see Response#shared
 */
public final class SharedBody {

    /** Every shared body is a 200 (RFC 9112 §4). */
    private static final String STATUS_LINE = "HTTP/1.1 200 OK\r\n";

    private final String contentType;
    private final Map<String, String> headers;
    private final byte[] bytes;
    private final ByteBuf content;
    private volatile ByteBuf wire;

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

    /** A view of the body for one response: its own indices, the shared memory; releasing it does nothing. */
    ByteBuf view() {
        return content.duplicate();
    }

    /**
     * The whole response in wire form for a plain keep-alive request ({@link ReplyTo#plain}): a view of its own, or
     * null before {@link #wire(HttpHeaders)} made it.
     */
    ByteBuf wire() {
        ByteBuf w = wire;
        return w == null ? null : w.duplicate();
    }

    /**
     * Makes the wire form once from the header block the dispatcher gives every such response (RFC 9112 §4 and §5:
     * status line, header fields, empty line, then the body) and returns a view of it.
     */
    ByteBuf wire(HttpHeaders headers) {
        StringBuilder head = new StringBuilder(STATUS_LINE);
        for (Map.Entry<String, String> h : headers) {
            head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        byte[] fields = head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer direct = ByteBuffer.allocateDirect(fields.length + bytes.length).put(fields).put(bytes).flip();
        ByteBuf made = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(direct));
        wire = made;
        return made.duplicate();
    }
}
