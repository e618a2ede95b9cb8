package dev.camrelay.server.http;

import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * What every HTTP connection shares: routes, CORS policy, JSON codec, counters and the executor handlers run on.
 *
 * @param router   routes to handlers
 * @param cors     allowed browser origins (a supplier: the relay's own origin is known only once it is bound)
 * @param json     JSON bodies and error responses
 * @param counters response counters for {@code /metrics}
 * @param handlers where handlers run: off the event loop, since they may block (virtual threads)
 */
public record HttpService(Router router, Supplier<CorsPolicy> cors, JsonCodec json, HttpCounters counters,
                          Executor handlers) {
}
