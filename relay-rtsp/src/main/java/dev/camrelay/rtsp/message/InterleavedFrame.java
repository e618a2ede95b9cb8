package dev.camrelay.rtsp.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * One binary frame interleaved on the RTSP connection (RFC 2326 §10.12): {@code '$'}, a channel byte and a 16-bit
 * big-endian length, then an RTP or RTCP packet. Reference-counted: whoever receives it releases it.
 */
public final class InterleavedFrame extends DefaultByteBufHolder implements RtspMessage {

    private final int channel;

    public InterleavedFrame(int channel, ByteBuf content) {
        super(content);
        if (channel < 0 || channel > 0xFF) {
            throw new IllegalArgumentException("channel out of range: " + channel);
        }
        this.channel = channel;
    }

    public int channel() {
        return channel;
    }

    @Override
    public InterleavedFrame replace(ByteBuf content) {
        return new InterleavedFrame(channel, content);
    }

    @Override
    public InterleavedFrame retain() {
        super.retain();
        return this;
    }

    @Override
    public String toString() {
        return "InterleavedFrame[channel=" + channel + ", length=" + content().readableBytes() + "]";
    }
}
