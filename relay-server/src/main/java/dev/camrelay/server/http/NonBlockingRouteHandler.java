package dev.camrelay.server.http;

import java.util.concurrent.CompletableFuture;

/**
 * An {@link AsyncRouteHandler} that never blocks: the dispatcher runs it on the connection's event loop itself (or on
 * the thread that completes an earlier pipelined response), with no hop to a handler thread and back, and writes its
 * response from there. For the LL-HLS media routes, which only look up in-memory state and wait by futures; a route
 * that may block (a token whose issuer's keys are fetched, a file, a lock held long) must stay a plain handler.
 */
@FunctionalInterface
public interface NonBlockingRouteHandler extends AsyncRouteHandler {

    @Override
    CompletableFuture<Response> handleAsync(Request request) throws Exception;
}
