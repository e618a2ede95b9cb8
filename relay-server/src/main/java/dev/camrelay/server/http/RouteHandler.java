package dev.camrelay.server.http;

/** Serves one route. Runs on a virtual thread, so it may block; it throws {@link HttpError} for client errors. */
@FunctionalInterface
public interface RouteHandler {

    Response handle(Request request) throws Exception;
}
