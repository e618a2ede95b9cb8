package dev.camrelay.server.http;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;

/**
 * Reports a timed {@link Response} to its {@link ResponseTiming} once its write has succeeded (every byte handed to
 * the socket; a failed write, the connection gone, is not timed).
 *
 * <p>Usually the write completes inside the flush that starts it (the socket takes the whole response at once), and
 * the dispatcher reports at once, with no listener and no allocation ({@link #reportIfDone}); only a response that
 * has to wait for room in the socket gets a listener, which is this object.
 *
 * <p>Threading: on the channel's event loop, where writes complete.
 */
final class TimedWrite implements ChannelFutureListener {

    private final ResponseTiming timing;
    private final long stampNanos;

    private TimedWrite(ResponseTiming timing, long stampNanos) {
        this.timing = timing;
        this.stampNanos = stampNanos;
    }

    /** Reports {@code response}'s write now if it is complete, else when it completes. */
    static void reportIfDone(ChannelFuture write, Response response) {
        if (write.isDone()) {
            if (write.isSuccess()) {
                response.timing().written(response.stampNanos(), System.nanoTime());
            }
        } else {
            write.addListener(new TimedWrite(response.timing(), response.stampNanos()));
        }
    }

    @Override
    public void operationComplete(ChannelFuture future) {
        if (future.isSuccess()) {
            timing.written(stampNanos, System.nanoTime());
        }
    }
}
