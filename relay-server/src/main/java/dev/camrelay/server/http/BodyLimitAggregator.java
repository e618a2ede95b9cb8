package dev.camrelay.server.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Netty's aggregator with the relay's answers to oversized bodies: a JSON 413 (contract.md: every error is JSON)
 * instead of Netty's empty one. An oversized body is never buffered: the limit is checked against Content-Length
 * before the body arrives, and against the running total for chunked bodies.
 *
 * <p>Threading: one instance per connection, on its event loop.
 */
final class BodyLimitAggregator extends HttpObjectAggregator {

    private final JsonCodec json;
    private final HttpCounters counters;

    BodyLimitAggregator(int maxBodyBytes, JsonCodec json, HttpCounters counters) {
        super(maxBodyBytes);
        this.json = json;
        this.counters = counters;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
        if (!(oversized instanceof HttpRequest)) {
            super.handleOversizedMessage(ctx, oversized);
            return;
        }
        boolean keepAlive = !(oversized instanceof FullHttpMessage) && HttpUtil.isKeepAlive(oversized);
        ctx.fireChannelRead(new OversizedRequest(keepAlive));
    }

    /** The 100-continue answer: Netty's, except that its empty 413/417 become JSON errors. */
    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        Object answer = super.newContinueResponse(start, maxContentLength, pipeline);
        if (answer instanceof FullHttpResponse r && r.status().code() >= 400) {
            int status = r.status().code();
            r.release();
            counters.record(status);
            HttpError e = status == 413 ? tooLarge(maxContentLength)
                    : new HttpError(status, "expectation_failed", "only 'Expect: 100-continue' is supported");
            return jsonResponse(e);
        }
        return answer;
    }

    static HttpError tooLarge(int maxBodyBytes) {
        return new HttpError(413, "payload_too_large",
                "the request body exceeds " + maxBodyBytes + " bytes; API bodies are small JSON objects");
    }

    private FullHttpResponse jsonResponse(HttpError e) {
        Response body = json.error(e);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(e.status()),
                Unpooled.wrappedBuffer(body.body()));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, body.contentType());
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.body().length);
        return r;
    }
}
