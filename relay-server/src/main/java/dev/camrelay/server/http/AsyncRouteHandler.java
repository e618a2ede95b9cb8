package dev.camrelay.server.http;

import java.util.concurrent.CompletableFuture;

/**
 * A route whose response may complete later, from whichever thread produces it (e.g. a segmenter's publish listener).
 * The future may complete exceptionally with an {@link HttpError}; the dispatcher renders it as the JSON error.
 */
@FunctionalInterface
public interface AsyncRouteHandler extends RouteHandler {

    @Override
    CompletableFuture<Response> handleAsync(Request request) throws Exception;

    /** Blocks the calling thread until the response is there; the dispatcher never calls it. */
    @Override
    default Response handle(Request request) throws Exception {
        return handleAsync(request).get();
    }
}
