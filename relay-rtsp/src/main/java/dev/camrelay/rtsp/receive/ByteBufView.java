package dev.camrelay.rtsp.receive;

import io.netty.buffer.ByteBuf;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Threading: each instance confined to one thread; the view is valid until the ByteBuf is released.
 *
 * <p>Points a reused Agrona {@link UnsafeBuffer} at a Netty {@link ByteBuf}'s readable bytes without copying, so the
 * RTP flyweights read Netty's memory directly.
 */
public final class ByteBufView {

    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private int offset;

    /** @return the view; read from {@link #offset()} for {@code buf.readableBytes()} bytes */
    public UnsafeBuffer wrap(ByteBuf buf) {
        int length = buf.readableBytes();
        if (buf.hasMemoryAddress()) {
            view.wrap(buf.memoryAddress() + buf.readerIndex(), length);
            offset = 0;
        } else if (buf.hasArray()) {
            view.wrap(buf.array());
            offset = buf.arrayOffset() + buf.readerIndex();
        } else {
            byte[] copy = new byte[length]; // composite or unusual buffers only
            buf.getBytes(buf.readerIndex(), copy);
            view.wrap(copy);
            offset = 0;
        }
        return view;
    }

    public int offset() {
        return offset;
    }
}
