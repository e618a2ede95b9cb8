package dev.camrelay.server.http;

/**
 * Passed down the pipeline in place of a request whose body exceeded the limit, so its 413 is answered in order
 * with the connection's other responses.
 *
 * @param keepAlive whether the connection can stay open (the aggregator discards the rest of the body)
 */
record OversizedRequest(boolean keepAlive) {
}
