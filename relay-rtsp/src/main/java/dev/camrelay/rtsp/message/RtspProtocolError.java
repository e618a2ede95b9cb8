package dev.camrelay.rtsp.message;

/**
 * Emitted once by {@link RtspFramer} when the peer broke a limit or sent something that cannot be framed; the
 * framer then discards everything else on the connection and the handler is expected to close it.
 *
 * @param kind   what went wrong
 * @param detail operator-readable detail (never contains message bodies)
 */
public record RtspProtocolError(Kind kind, String detail) {

    /** Why framing stopped. */
    public enum Kind {
        START_LINE_TOO_LONG,
        HEADER_LINE_TOO_LONG,
        TOO_MANY_HEADERS,
        BAD_CONTENT_LENGTH,
        BODY_TOO_LARGE,
        INTERLEAVED_TOO_LONG,
        TOO_MUCH_GARBAGE
    }
}
