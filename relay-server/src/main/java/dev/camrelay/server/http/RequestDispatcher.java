package dev.camrelay.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of one connection's pipeline: turns each request into a {@link Request}, runs its handler off the event
 * loop, and writes the response. Responses leave in request order (HTTP/1.1 pipelining): each request's work is
 * chained after the previous one's, and reading pauses while {@link HttpServer#MAX_PIPELINED} are outstanding.
 *
 * <p>A response's {@link Response#content()} (LL-HLS media in its stream's own direct memory) goes to the transport
 * as it is: with native epoll the socket write gathers straight from that memory, no copy per response. Over TLS the
 * {@code SslHandler} encrypts into new buffers, so there each response is copied once, as encryption must. Every
 * path that does not write a response's content releases it. A timed response ({@link Response#timing()}) is
 * reported once its bytes are all handed to the socket ({@link TimedWrite}).
 *
 * <p>Threading: one instance per connection. {@link #channelRead} and the writes run on the connection's event
 * loop; handlers run on {@link HttpService#handlers()} and see only the immutable {@link Request}, except a
 * {@link NonBlockingRouteHandler}, which runs on the event loop (or the thread completing the response ahead of it).
 */
final class RequestDispatcher extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(RequestDispatcher.class);

    private final HttpService service;
    private final int maxBodyBytes;
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
    private int outstanding;
    /**
     * Writes from here start just before the HTTP/1.1 response encoder: for responses already in wire form
     * ({@link SharedBody#wire}); null where there is none (HTTP/2 streams).
     */
    private ChannelHandlerContext beforeEncoder;

    RequestDispatcher(HttpService service, int maxBodyBytes) {
        this.service = service;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        beforeEncoder = ctx.pipeline().context(HttpResponseEncoder.class); // null on an HTTP/2 stream
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof FullHttpRequest request) {
                accept(ctx, request);
            } else if (msg instanceof OversizedRequest oversized) {
                enqueue(ctx, ReplyTo.unread(oversized.keepAlive()), () -> done(service.json().error(
                        BodyLimitAggregator.tooLarge(maxBodyBytes))));
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void accept(ChannelHandlerContext ctx, FullHttpRequest msg) {
        DecoderResult result = msg.decoderResult();
        if (result.isFailure()) {
            // The decoder discards everything after a malformed request: answer, then close.
            enqueue(ctx, ReplyTo.unread(false), () -> done(service.json().error(decodeFailure(result.cause()))));
            return;
        }
        String origin = msg.headers().get(HttpHeaderNames.ORIGIN);
        ReplyTo reply = new ReplyTo(origin, HttpUtil.isKeepAlive(msg), HttpMethod.HEAD.equals(msg.method()),
                HttpVersion.HTTP_1_0.equals(msg.protocolVersion()));
        Request request;
        try {
            QueryStringDecoder uri = new QueryStringDecoder(msg.uri());
            request = new Request(msg.method().name(), uri.rawPath(), Map.of(), uri.parameters(),
                    msg.headers(), ByteBufUtil.getBytes(msg.content()), ctx.executor());
        } catch (IllegalArgumentException e) {
            enqueue(ctx, reply, () -> done(service.json().error(
                    HttpError.badRequest("bad_uri", "the request URI is not validly encoded"))));
            return;
        }
        Router.Match match = "OPTIONS".equals(request.method()) ? new Router.NoRoute()
                : service.router().route(request.method(), request.path());
        if (match instanceof Router.Found found && found.handler() instanceof NonBlockingRouteHandler) {
            enqueueInline(ctx, reply, () -> found.handler().handleAsync(
                    request.withPathParams(found.params())));
            return;
        }
        enqueue(ctx, reply, () -> process(request, origin, match));
    }

    /** A response whose work may block: it runs on a handler thread. */
    private void enqueue(ChannelHandlerContext ctx, ReplyTo reply, ResponseTask task) {
        pipelined(ctx);
        // Responses leave in request order: each one's work starts after the previous one's response is written.
        written(ctx, tail.thenComposeAsync(ignored -> run(task), service.handlers()), reply);
    }

    /**
     * A {@link NonBlockingRouteHandler}'s response: its work runs here on the event loop when nothing is ahead of it,
     * else on the thread that completes the response ahead; either way with no hop to a handler thread.
     */
    private void enqueueInline(ChannelHandlerContext ctx, ReplyTo reply, ResponseTask task) {
        pipelined(ctx);
        written(ctx, tail.thenCompose(ignored -> run(task)), reply);
    }

    private void pipelined(ChannelHandlerContext ctx) {
        if (++outstanding >= HttpServer.MAX_PIPELINED) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    /** The response is written on the event loop: at once when it completes there, else by a task handed to it. */
    private void written(ChannelHandlerContext ctx, CompletableFuture<Response> response, ReplyTo reply) {
        tail = response.thenAccept(r -> {
            if (ctx.executor().inEventLoop()) {
                writeOrClose(ctx, r, reply);
                return;
            }
            try {
                ctx.executor().execute(() -> writeOrClose(ctx, r, reply));
            } catch (RejectedExecutionException e) {
                release(r); // the event loop is shutting down: nothing will be written
            }
        });
    }

    /**
     * Writes a response; one that cannot be written (a header Netty refuses) closes the connection, since the
     * responses after it would leave out of order.
     */
    private void writeOrClose(ChannelHandlerContext ctx, Response response, ReplyTo reply) {
        try {
            write(ctx, response, reply);
        } catch (RuntimeException e) {
            LOG.error("a response could not be written; closing the connection", e);
            ctx.close();
        }
    }

    private CompletableFuture<Response> run(ResponseTask task) {
        CompletableFuture<Response> pending;
        try {
            pending = task.call();
        } catch (Exception | LinkageError | AssertionError e) {
            return CompletableFuture.completedFuture(failure(e));
        }
        return pending.handle((response, e) -> e == null ? response : failure(e));
    }

    private Response failure(Throwable thrown) {
        Throwable e = thrown instanceof CompletionException && thrown.getCause() != null ? thrown.getCause() : thrown;
        if (e instanceof HttpError error) {
            return service.json().error(error);
        }
        LOG.error("request failed unexpectedly", e);
        return service.json().error(new HttpError(500, "internal",
                "the relay failed to handle this request; see its log (" + e.getClass().getSimpleName() + ")"));
    }

    private static CompletableFuture<Response> done(Response response) {
        return CompletableFuture.completedFuture(response);
    }

    private CompletableFuture<Response> process(Request request, String origin, Router.Match match) throws Exception {
        if ("OPTIONS".equals(request.method())) {
            return done(preflight(request, origin));
        }
        return switch (match) {
            case Router.Found found -> found.handler().handleAsync(request.withPathParams(found.params()));
            case Router.WrongMethod wrong -> throw new HttpError(405, "method_not_allowed",
                    request.method() + " is not allowed on " + request.path() + "; allowed: "
                            + String.join(", ", wrong.allowed()), Map.of("Allow", String.join(", ", wrong.allowed())));
            case Router.NoRoute none -> throw HttpError.notFound("no such endpoint: " + request.path()
                    + " (see README.md for the API)");
        };
    }

    private Response preflight(Request request, String origin) {
        if (!(service.router().route("OPTIONS", request.path()) instanceof Router.WrongMethod path)) {
            throw HttpError.notFound("no such endpoint: " + request.path());
        }
        if (origin == null) {
            return Response.noContent().withHeader("Allow", String.join(", ", path.allowed()) + ", OPTIONS");
        }
        if (!service.cors().get().allows(origin)) {
            throw new HttpError(403, "cors_origin_not_allowed", "origin " + origin
                    + " is not allowed; add it to corsOrigins (RELAY_CORS_ORIGINS)");
        }
        Response r = Response.noContent();
        for (Map.Entry<String, String> h : service.cors().get().preflightHeaders(origin, path.allowed()).entrySet()) {
            r = r.withHeader(h.getKey(), h.getValue());
        }
        return r;
    }

    private void write(ChannelHandlerContext ctx, Response response, ReplyTo reply) {
        if (--outstanding < HttpServer.MAX_PIPELINED) {
            ctx.channel().config().setAutoRead(true);
        }
        service.counters().record(response.status());
        if (!ctx.channel().isActive()) {
            release(response);
            return;
        }
        SharedBody shared = response.shared();
        if (shared != null && beforeEncoder != null && reply.plain(service.cors().get())) {
            release(response); // its view of the body: the wire form below carries the bytes
            ByteBuf wire = shared.wire();
            if (wire == null) {
                wire = shared.wire(headers(response, null));
            }
            // whole bytes of a response, so they go past the encoder, which is between messages (RFC 9112 §6)
            finish(beforeEncoder.writeAndFlush(wire), response, reply);
            return;
        }
        ByteBuf body;
        if (reply.head()) {
            release(response); // the headers, Content-Length included, without the body
            body = Unpooled.EMPTY_BUFFER;
        } else {
            body = response.content() != null ? response.content() : Unpooled.wrappedBuffer(response.body());
        }
        FullHttpResponse out;
        try {
            out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(response.status()),
                    body, headers(response, reply.origin()), EmptyHttpHeaders.INSTANCE);
        } catch (RuntimeException e) {
            body.release(); // a header Netty refuses: the body is not written, so it is let go here
            throw e;
        }
        if (!reply.keepAlive()) {
            out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (reply.http10()) {
            out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        finish(ctx.writeAndFlush(out), response, reply);
    }

    private static void finish(ChannelFuture written, Response response, ReplyTo reply) {
        if (response.timing() != null) {
            TimedWrite.reportIfDone(written, response); // no listener, no allocation, when the socket took it all
        }
        if (!reply.keepAlive()) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** What every response carries besides its body: length, type, caching, CORS for {@code origin}, its own. */
    private HttpHeaders headers(Response response, String origin) {
        HttpHeaders h = new DefaultHttpHeaders();
        if (response.contentType() != null) {
            h.set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
        }
        h.setInt(HttpHeaderNames.CONTENT_LENGTH, response.length());
        // Responses are per caller (keys, tokens, session state): never stored by a shared cache (isolation.md).
        h.set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        h.set("X-Content-Type-Options", "nosniff");
        service.cors().get().responseHeaders(origin).forEach(h::set);
        response.headers().forEach(h::set);
        return h;
    }

    private static void release(Response response) {
        if (response.content() != null) {
            response.content().release();
        }
    }

    static HttpError decodeFailure(Throwable cause) {
        if (cause instanceof TooLongHttpHeaderException) {
            return new HttpError(431, "header_too_large", "the request headers exceed "
                    + HttpServer.MAX_HEADER_BYTES + " bytes");
        }
        if (cause instanceof TooLongHttpLineException) {
            return new HttpError(414, "uri_too_long", "the request line exceeds "
                    + HttpServer.MAX_INITIAL_LINE_BYTES + " bytes");
        }
        if (cause instanceof TooLongFrameException) {
            return new HttpError(413, "payload_too_large", "a part of the request is too large: "
                    + cause.getMessage());
        }
        return HttpError.badRequest("bad_request", "malformed HTTP request: " + cause.getMessage());
    }

    /** The work of one request, run off the event loop. */
    @FunctionalInterface
    private interface ResponseTask {
        CompletableFuture<Response> call() throws Exception;
    }
}
