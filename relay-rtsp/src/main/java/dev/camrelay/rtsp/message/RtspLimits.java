package dev.camrelay.rtsp.message;

/**
 * Limits of the RTSP framer. RFC 2326 and RFC 7826 set no maximum for lines, headers or bodies, so these are
 * chosen to bound memory per connection well above what cameras send; the interleaved length is bounded by the
 * 16-bit length field itself.
 */
public final class RtspLimits {

    /** Longest request or status line, CRLF included (RFC 2326 §6.1, §7.1 give no limit; URLs are short). */
    public static final int MAX_START_LINE_LENGTH = 4096;
    /** Longest header line, CRLF included (RFC 2326 §4.2 header grammar, after HTTP/1.1; no limit given). */
    public static final int MAX_HEADER_LINE_LENGTH = 8192;
    /** Most header lines in one message (continuation lines count as one header). */
    public static final int MAX_HEADER_COUNT = 64;
    /** Largest message body: an SDP (RFC 4566) or a GET_PARAMETER text body; cameras send a few kB. */
    public static final int MAX_BODY_LENGTH = 64 * 1024;
    /** Largest interleaved frame: the length field is 16 bits (RFC 2326 §10.12, RFC 7826 §14). */
    public static final int MAX_INTERLEAVED_LENGTH = 0xFFFF;
    /** Interleaved frame header: '$', channel, 16-bit big-endian length (RFC 2326 §10.12). */
    public static final int INTERLEAVED_HEADER_LENGTH = 4;
    /** Longest method token; RFC 2326 §6.1 methods are at most 13 characters ({@code GET_PARAMETER}). */
    public static final int MAX_METHOD_LENGTH = 32;
    /** Bytes skipped while resynchronising after garbage before the connection is given up. */
    public static final int MAX_RESYNC_BYTES = 256 * 1024;
    /** Smallest RTP or RTCP packet accepted as a resync point: an RTCP header (RFC 3550 §6.4). */
    public static final int MIN_RESYNC_INTERLEAVED_LENGTH = 4;

    private RtspLimits() {
    }
}
