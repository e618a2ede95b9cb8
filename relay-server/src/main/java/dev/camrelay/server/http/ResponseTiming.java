package dev.camrelay.server.http;

/**
 * Told when a timed {@link Response} has been written to its connection's socket, i.e. when Netty has handed all of
 * its bytes to the kernel (the write promise succeeded). Runs on the connection's event loop: it must be short,
 * never block and allocate nothing (it runs once per timed response).
 */
@FunctionalInterface
public interface ResponseTiming {

    /**
     * @param stampNanos   the response's {@link Response#stampNanos()}
     * @param writtenNanos {@link System#nanoTime()} when the write completed
     */
    void written(long stampNanos, long writtenNanos);
}
