package dev.camrelay.server.http;

import java.util.concurrent.CompletableFuture;

/** Serves one route. Runs on a virtual thread, so it may block; it throws {@link HttpError} for client errors. */
@FunctionalInterface
public interface RouteHandler {

    Response handle(Request request) throws Exception;

    /**
     * The response, possibly later: the dispatcher calls this. By default the synchronous {@link #handle}; handlers
     * that wait for an event (LL-HLS blocking playlist reloads) implement {@link AsyncRouteHandler} instead, so a
     * waiting request holds no thread.
     */
    default CompletableFuture<Response> handleAsync(Request request) throws Exception {
        return CompletableFuture.completedFuture(handle(request));
    }
}
