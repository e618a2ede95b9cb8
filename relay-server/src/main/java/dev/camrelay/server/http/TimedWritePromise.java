package dev.camrelay.server.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.DefaultChannelPromise;

/**
 * The write promise of a timed response: in place of the one Netty would make for the write anyway, and its own
 * listener, so timing a response allocates nothing more. When the write succeeds (every byte handed to the socket)
 * it reports to the response's {@link ResponseTiming}; a failed write (connection gone) is not timed.
 *
 * <p>Threading: completed and notified on the channel's event loop, as every write promise is.
 */
final class TimedWritePromise extends DefaultChannelPromise implements ChannelFutureListener {

    private final ResponseTiming timing;
    private final long stampNanos;

    TimedWritePromise(Channel channel, ResponseTiming timing, long stampNanos) {
        super(channel);
        this.timing = timing;
        this.stampNanos = stampNanos;
        addListener(this); // the first listener is held in a field: no allocation
    }

    @Override
    public void operationComplete(ChannelFuture future) {
        if (future.isSuccess()) {
            timing.written(stampNanos, System.nanoTime());
        }
    }
}
