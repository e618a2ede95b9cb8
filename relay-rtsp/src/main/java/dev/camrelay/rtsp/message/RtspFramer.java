package dev.camrelay.rtsp.message;

import static dev.camrelay.rtsp.message.RtspLimits.INTERLEAVED_HEADER_LENGTH;
import static dev.camrelay.rtsp.message.RtspLimits.MAX_BODY_LENGTH;
import static dev.camrelay.rtsp.message.RtspLimits.MAX_HEADER_COUNT;
import static dev.camrelay.rtsp.message.RtspLimits.MAX_HEADER_LINE_LENGTH;
import static dev.camrelay.rtsp.message.RtspLimits.MAX_METHOD_LENGTH;
import static dev.camrelay.rtsp.message.RtspLimits.MAX_RESYNC_BYTES;
import static dev.camrelay.rtsp.message.RtspLimits.MAX_START_LINE_LENGTH;
import static dev.camrelay.rtsp.message.RtspLimits.MIN_RESYNC_INTERLEAVED_LENGTH;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Threading: a channel handler; confined to its channel's event loop like every {@link ByteToMessageDecoder}.
 *
 * <p>Frames one RTSP connection: requests (either direction), responses and interleaved {@code $} frames, mixed in
 * any order between messages (RFC 2326 §10.12), including before the PLAY reply (scottlamb/retina#46).
 *
 * <p>Emits {@link RtspRequest}, {@link RtspResponse}, {@link InterleavedFrame} and, at most once,
 * {@link RtspProtocolError}, after which it discards all input. Bytes that cannot start a message are skipped up
 * to the next plausible start ({@code $} followed by an RTP/RTCP version-2 byte, or a request or status line) and
 * counted in {@link #bytesSkipped()}. Limits are in {@link RtspLimits}; breaking one is an
 * {@link RtspProtocolError}, never an exception.
 *
 * <p>Interleaved frames are zero-copy retained slices of the cumulation buffer (one small holder object per frame,
 * as every Netty message); the next handler must release them promptly, as they pin the cumulation.
 */
public final class RtspFramer extends ByteToMessageDecoder {

    private static final int NEED_MORE = 0;
    private static final int PROGRESS = 1;

    /** A status line starts with the protocol name (RFC 2326 §7.1). */
    private static final byte[] RTSP_PREFIX = {'R', 'T', 'S', 'P', '/'};

    private static final int START_GARBAGE = 0;
    private static final int START_WAIT = 1;
    private static final int START_REQUEST = 2;
    private static final int START_RESPONSE = 3;

    private enum State { START, HEADERS, BODY, FAILED }

    private final int maxInterleavedLength;
    private State state = State.START;
    private boolean resyncing;
    private int resyncRun;
    private long bytesSkipped;

    private String startMethodOrVersion;
    private String startUriOrReason;
    private String startVersion;
    private int startStatus = -1;
    private RtspHeaders headers;
    private int contentLength;

    public RtspFramer() {
        this(RtspLimits.MAX_INTERLEAVED_LENGTH);
    }

    /** @param maxInterleavedLength largest interleaved frame accepted, at most 65535 */
    public RtspFramer(int maxInterleavedLength) {
        if (maxInterleavedLength < 1 || maxInterleavedLength > RtspLimits.MAX_INTERLEAVED_LENGTH) {
            throw new IllegalArgumentException("maxInterleavedLength out of range: " + maxInterleavedLength);
        }
        this.maxInterleavedLength = maxInterleavedLength;
    }

    /** Garbage bytes skipped while resynchronising, since the channel opened. */
    public long bytesSkipped() {
        return bytesSkipped;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            int r;
            switch (state) {
                case START -> r = decodeStart(in, out);
                case HEADERS -> r = decodeHeaders(in, out);
                case BODY -> r = decodeBody(in, out);
                default -> {
                    in.skipBytes(in.readableBytes());
                    r = NEED_MORE;
                }
            }
            if (r == NEED_MORE) {
                return;
            }
        }
    }

    private int decodeStart(ByteBuf in, List<Object> out) {
        int i = in.readerIndex();
        if (in.getByte(i) == '$') {
            return decodeInterleaved(in, out);
        }
        int kind = classifyStart(in, i);
        if (kind == START_WAIT) {
            return NEED_MORE;
        }
        if (kind == START_GARBAGE) {
            return skipGarbage(in, out);
        }
        int eol = in.indexOf(i, Math.min(in.writerIndex(), i + MAX_START_LINE_LENGTH), (byte) '\n');
        if (eol < 0) {
            if (in.readableBytes() >= MAX_START_LINE_LENGTH) {
                if (resyncing) {
                    return skipGarbage(in, out);
                }
                return fail(out, RtspProtocolError.Kind.START_LINE_TOO_LONG, "no line end within "
                        + MAX_START_LINE_LENGTH + " bytes");
            }
            return NEED_MORE;
        }
        String line = line(in, i, eol);
        boolean ok = kind == START_REQUEST ? parseRequestLine(line) : parseStatusLine(line);
        if (!ok) {
            return skipGarbage(in, out);
        }
        in.readerIndex(eol + 1);
        resyncing = false;
        resyncRun = 0;
        headers = new RtspHeaders();
        state = State.HEADERS;
        return PROGRESS;
    }

    private int decodeInterleaved(ByteBuf in, List<Object> out) {
        int i = in.readerIndex();
        if (in.readableBytes() < INTERLEAVED_HEADER_LENGTH) {
            return NEED_MORE;
        }
        int channel = in.getUnsignedByte(i + 1);
        int length = in.getUnsignedShort(i + 2);
        if (resyncing) {
            // After garbage a '$' is only believed when an RTP/RTCP version-2 packet follows (RFC 3550 §5.1).
            if (length < MIN_RESYNC_INTERLEAVED_LENGTH) {
                return skipGarbage(in, out);
            }
            if (in.readableBytes() < INTERLEAVED_HEADER_LENGTH + 1) {
                return NEED_MORE;
            }
            if ((in.getByte(i + INTERLEAVED_HEADER_LENGTH) & 0xC0) != 0x80) {
                return skipGarbage(in, out);
            }
        }
        if (length > maxInterleavedLength) {
            return fail(out, RtspProtocolError.Kind.INTERLEAVED_TOO_LONG, "interleaved frame of " + length
                    + " bytes, limit " + maxInterleavedLength);
        }
        if (in.readableBytes() < INTERLEAVED_HEADER_LENGTH + length) {
            return NEED_MORE;
        }
        in.skipBytes(INTERLEAVED_HEADER_LENGTH);
        out.add(new InterleavedFrame(channel, in.readRetainedSlice(length)));
        resyncing = false;
        resyncRun = 0;
        return PROGRESS;
    }

    private int decodeHeaders(ByteBuf in, List<Object> out) {
        int i = in.readerIndex();
        int eol = in.indexOf(i, Math.min(in.writerIndex(), i + MAX_HEADER_LINE_LENGTH), (byte) '\n');
        if (eol < 0) {
            if (in.readableBytes() >= MAX_HEADER_LINE_LENGTH) {
                return fail(out, RtspProtocolError.Kind.HEADER_LINE_TOO_LONG, "no line end within "
                        + MAX_HEADER_LINE_LENGTH + " bytes");
            }
            return NEED_MORE;
        }
        String line = line(in, i, eol);
        in.readerIndex(eol + 1);
        if (line.isEmpty()) {
            return endOfHeaders(out);
        }
        char first = line.charAt(0);
        if (first == ' ' || first == '\t') {
            headers.appendToLast(line.trim());
            return PROGRESS;
        }
        int colon = line.indexOf(':');
        if (colon <= 0) {
            return PROGRESS; // not a header: ignored, as tolerant clients do
        }
        if (headers.size() >= MAX_HEADER_COUNT) {
            return fail(out, RtspProtocolError.Kind.TOO_MANY_HEADERS, "more than " + MAX_HEADER_COUNT + " headers");
        }
        headers.add(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
        return PROGRESS;
    }

    private int endOfHeaders(List<Object> out) {
        String cl = headers.get("Content-Length");
        contentLength = 0;
        if (cl != null && !cl.isEmpty()) {
            try {
                long v = Long.parseLong(cl);
                if (v < 0) {
                    return fail(out, RtspProtocolError.Kind.BAD_CONTENT_LENGTH, "Content-Length " + cl);
                }
                if (v > MAX_BODY_LENGTH) {
                    return fail(out, RtspProtocolError.Kind.BODY_TOO_LARGE, "Content-Length " + v + ", limit "
                            + MAX_BODY_LENGTH);
                }
                contentLength = (int) v;
            } catch (NumberFormatException e) {
                return fail(out, RtspProtocolError.Kind.BAD_CONTENT_LENGTH, "Content-Length not a number");
            }
        }
        if (contentLength == 0) {
            emit(out, new byte[0]);
        } else {
            state = State.BODY;
        }
        return PROGRESS;
    }

    private int decodeBody(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < contentLength) {
            return NEED_MORE;
        }
        byte[] body = new byte[contentLength];
        in.readBytes(body);
        emit(out, body);
        return PROGRESS;
    }

    private void emit(List<Object> out, byte[] body) {
        if (startStatus >= 0) {
            out.add(new RtspResponse(startMethodOrVersion, startStatus, startUriOrReason, headers, body));
        } else {
            out.add(new RtspRequest(startMethodOrVersion, startUriOrReason, startVersion, headers, body));
        }
        headers = null;
        state = State.START;
    }

    /** Skips the byte at the reader index and everything up to the next byte that could start a message. */
    private int skipGarbage(ByteBuf in, List<Object> out) {
        int from = in.readerIndex();
        int to = in.writerIndex();
        int next = from + 1;
        while (next < to && !isStartCandidate(in.getByte(next))) {
            next++;
        }
        int skipped = next - from;
        in.readerIndex(next);
        bytesSkipped += skipped;
        resyncRun += skipped;
        resyncing = true;
        if (resyncRun > MAX_RESYNC_BYTES) {
            return fail(out, RtspProtocolError.Kind.TOO_MUCH_GARBAGE, "skipped " + resyncRun
                    + " bytes without finding a message");
        }
        return PROGRESS;
    }

    private static boolean isStartCandidate(byte b) {
        return b == '$' || (b >= 'A' && b <= 'Z');
    }

    private static boolean isMethodChar(byte b) {
        return (b >= 'A' && b <= 'Z') || b == '_' || b == '-';
    }

    /** Looks at the first bytes only: is this a request line, a status line, garbage, or too early to tell? */
    private static int classifyStart(ByteBuf in, int i) {
        int available = in.readableBytes();
        int n = Math.min(available, RTSP_PREFIX.length);
        boolean rtspPrefix = true;
        for (int k = 0; k < n; k++) {
            if (in.getByte(i + k) != RTSP_PREFIX[k]) {
                rtspPrefix = false;
                break;
            }
        }
        if (rtspPrefix) {
            return n == RTSP_PREFIX.length ? START_RESPONSE : START_WAIT;
        }
        int limit = Math.min(available, MAX_METHOD_LENGTH + 1);
        for (int k = 0; k < limit; k++) {
            byte b = in.getByte(i + k);
            if (b == ' ') {
                return k > 0 ? START_REQUEST : START_GARBAGE;
            }
            if (!isMethodChar(b)) {
                return START_GARBAGE;
            }
        }
        return limit == available && available <= MAX_METHOD_LENGTH ? START_WAIT : START_GARBAGE;
    }

    private boolean parseRequestLine(String line) {
        int sp1 = line.indexOf(' ');
        int sp2 = line.lastIndexOf(' ');
        if (sp1 <= 0 || sp2 <= sp1 + 1) {
            return false;
        }
        String version = line.substring(sp2 + 1);
        if (!version.startsWith("RTSP/") || version.length() < 6) {
            return false;
        }
        startMethodOrVersion = line.substring(0, sp1);
        startUriOrReason = line.substring(sp1 + 1, sp2).trim();
        startVersion = version;
        startStatus = -1;
        return !startUriOrReason.isEmpty() && startUriOrReason.indexOf(' ') < 0;
    }

    private boolean parseStatusLine(String line) {
        int sp1 = line.indexOf(' ');
        if (sp1 < 6 || line.length() < sp1 + 4) {
            return false;
        }
        int status = 0;
        for (int k = sp1 + 1; k < sp1 + 4; k++) {
            char c = line.charAt(k);
            if (c < '0' || c > '9') {
                return false;
            }
            status = status * 10 + (c - '0');
        }
        if (line.length() > sp1 + 4 && line.charAt(sp1 + 4) != ' ') {
            return false;
        }
        startMethodOrVersion = line.substring(0, sp1);
        startStatus = status;
        startUriOrReason = line.length() > sp1 + 5 ? line.substring(sp1 + 5).trim() : "";
        startVersion = startMethodOrVersion;
        return true;
    }

    /** The line from {@code start} to the LF at {@code eol}, without CR/LF. */
    private static String line(ByteBuf in, int start, int eol) {
        int end = eol;
        if (end > start && in.getByte(end - 1) == '\r') {
            end--;
        }
        return in.toString(start, end - start, StandardCharsets.ISO_8859_1);
    }

    private int fail(List<Object> out, RtspProtocolError.Kind kind, String detail) {
        state = State.FAILED;
        headers = null;
        out.add(new RtspProtocolError(kind, detail));
        return PROGRESS;
    }
}
