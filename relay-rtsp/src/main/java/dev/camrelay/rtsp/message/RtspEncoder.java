package dev.camrelay.rtsp.message;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Threading: a channel handler; confined to its channel's event loop.
 *
 * <p>Writes {@link RtspRequest}, {@link RtspResponse} and {@link InterleavedFrame} (RFC 2326 §6, §7, §10.12). A
 * non-empty body gets a {@code Content-Length} header if the message has none.
 */
public final class RtspEncoder extends MessageToByteEncoder<RtspMessage> {

    private static final byte[] CRLF = {'\r', '\n'};

    public RtspEncoder() {
        super(RtspMessage.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, RtspMessage msg, ByteBuf out) {
        switch (msg) {
            case InterleavedFrame f -> encodeInterleaved(f, out);
            case RtspRequest r -> {
                ascii(out, r.method() + " " + r.uri() + " " + r.version());
                out.writeBytes(CRLF);
                encodeHeadersAndBody(r.headers(), r.body(), out);
            }
            case RtspResponse r -> {
                ascii(out, r.version() + " " + r.status() + " " + r.reason());
                out.writeBytes(CRLF);
                encodeHeadersAndBody(r.headers(), r.body(), out);
            }
        }
    }

    private static void encodeInterleaved(InterleavedFrame f, ByteBuf out) {
        ByteBuf content = f.content();
        int length = content.readableBytes();
        if (length > RtspLimits.MAX_INTERLEAVED_LENGTH) {
            throw new IllegalArgumentException("interleaved frame too long: " + length);
        }
        out.writeByte('$');
        out.writeByte(f.channel());
        out.writeShort(length);
        out.writeBytes(content, content.readerIndex(), length);
    }

    private static void encodeHeadersAndBody(RtspHeaders headers, byte[] body, ByteBuf out) {
        for (int i = 0; i < headers.size(); i++) {
            ascii(out, headers.name(i));
            out.writeByte(':');
            out.writeByte(' ');
            out.writeCharSequence(headers.value(i), StandardCharsets.UTF_8);
            out.writeBytes(CRLF);
        }
        if (body.length > 0 && !headers.contains("Content-Length")) {
            ascii(out, "Content-Length: " + body.length);
            out.writeBytes(CRLF);
        }
        out.writeBytes(CRLF);
        out.writeBytes(body);
    }

    private static void ascii(ByteBuf out, String s) {
        out.writeCharSequence(s, StandardCharsets.US_ASCII);
    }
}
