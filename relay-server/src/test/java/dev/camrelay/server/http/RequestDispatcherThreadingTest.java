package dev.camrelay.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Where the dispatcher runs a route's work: a plain route on the handler executor, a {@link NonBlockingRouteHandler}
 * on the connection's event loop with no hop, and either way the responses leave in request order.
 */
class RequestDispatcherThreadingTest {

    private final AtomicInteger handlerHops = new AtomicInteger();
    private final AtomicReference<Executor> connectionSeen = new AtomicReference<>();
    private final CompletableFuture<Response> held = new CompletableFuture<>();
    private final EmbeddedChannel server;

    RequestDispatcherThreadingTest() {
        Router router = new Router()
                .add("GET", "/blocking", r -> text("blocking"))
                .add("GET", "/loop", (NonBlockingRouteHandler) r -> {
                    connectionSeen.set(r.connection());
                    return CompletableFuture.completedFuture(text("loop"));
                })
                .add("GET", "/held", (NonBlockingRouteHandler) r -> held);
        Executor handlers = task -> {
            handlerHops.incrementAndGet();
            task.run();
        };
        server = new EmbeddedChannel();
        HttpServer.addHttp1(server.pipeline(), new HttpService(router, () -> new CorsPolicy(List.of()),
                new JsonCodec(), new HttpCounters(), handlers));
    }

    @AfterEach
    void close() {
        server.finishAndReleaseAll();
    }

    private static Response text(String body) {
        return new Response(200, "text/plain", body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    private void get(String path) {
        DefaultFullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
        r.headers().set(HttpHeaderNames.HOST, "relay");
        server.writeInbound(r);
        server.runPendingTasks();
    }

    /** The bodies of the responses written so far, in order, decoded as a client would. */
    private List<String> bodies() {
        EmbeddedChannel client = new EmbeddedChannel(new HttpClientCodec(), new HttpObjectAggregator(1 << 16));
        // the client codec pairs responses with requests: tell it about as many GETs as there may be responses
        for (int i = 0; i < 8; i++) {
            client.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"));
        }
        client.releaseOutbound();
        for (Object o; (o = server.readOutbound()) != null; ) {
            client.writeInbound((ByteBuf) o);
        }
        List<String> out = new ArrayList<>();
        for (FullHttpResponse r; (r = client.readInbound()) != null; ) {
            out.add(r.content().toString(StandardCharsets.UTF_8));
            r.release();
        }
        client.finishAndReleaseAll();
        return out;
    }

    @Test
    void aRouteThatMayBlockRunsOnTheHandlerExecutor() {
        get("/blocking");

        assertThat(handlerHops).hasValue(1);
        assertThat(bodies()).containsExactly("blocking");
    }

    @Test
    void aNonBlockingRouteRunsOnTheConnectionsLoopWithNoHop() {
        get("/loop");

        assertThat(handlerHops).hasValue(0);
        assertThat(connectionSeen.get()).as("the request names its connection's event loop")
                .isSameAs(server.eventLoop());
        assertThat(bodies()).containsExactly("loop");
    }

    @Test
    void pipelinedResponsesLeaveInRequestOrderWhenANonBlockingOneIsHeld() {
        get("/held");
        get("/loop");
        get("/blocking");
        assertThat(bodies()).as("nothing may overtake the held response").isEmpty();

        held.complete(text("held"));
        server.runPendingTasks();

        assertThat(bodies()).containsExactly("held", "loop", "blocking");
    }
}
