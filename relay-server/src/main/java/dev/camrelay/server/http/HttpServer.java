package dev.camrelay.server.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's HTTP listener (Netty): HTTP/1.1 with keep-alive, or, when a TLS context is given, HTTPS on the same
 * port with HTTP/2 chosen by ALPN and HTTP/1.1 as the fallback ({@link HttpProtocolNegotiation}). Limits on request
 * line, headers and body, an idle timeout, and a {@link RequestDispatcher} per HTTP/1.1 connection or per HTTP/2
 * stream ({@link Http2StreamFrameToHttpObjectCodec} turns each stream into the same request and response objects,
 * so every route behaves the same over both).
 *
 * <p>Threading: {@link #bind} and {@link #close} from one controlling thread; connections run on the event loops.
 */
public final class HttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

    /** Request line limit: playlist URLs with a token query are well under 2 KiB. */
    public static final int MAX_INITIAL_LINE_BYTES = 8 * 1024;
    /** All headers together; browsers send a few KiB at most. Beyond it: 431 (RFC 6585 section 5). */
    public static final int MAX_HEADER_BYTES = 16 * 1024;
    /** Request bodies: API JSON and WHEP SDP offers are a few KiB. Beyond it: 413. */
    public static final int MAX_BODY_BYTES = 64 * 1024;
    /** Decoder chunk size; bodies are aggregated up to {@link #MAX_BODY_BYTES} anyway. */
    public static final int MAX_CHUNK_BYTES = 8 * 1024;
    /** Requests one connection may have outstanding before reading pauses. */
    public static final int MAX_PIPELINED = 16;
    /** A connection with no traffic either way for this long is closed. */
    public static final int IDLE_SECONDS = 120;
    /** Netty's graceful shutdown: no quiet period, at most this long, so SIGTERM ends well within 5 s. */
    public static final int SHUTDOWN_TIMEOUT_SECONDS = 2;
    /**
     * HTTP/2 streams one connection may have open: a player holds a blocked playlist reload, a hinted part and a
     * segment or two at once; 100 is the least RFC 9113 §6.5.2 recommends.
     */
    public static final int MAX_CONCURRENT_STREAMS = 100;

    private final EventLoopTransport transport;
    private final HttpService service;
    private final SslContext tls;
    private final EventLoopGroup group;
    private Channel listener;

    /** @param tls the HTTPS context ({@link HttpTls}), or null for plain HTTP/1.1 */
    public HttpServer(EventLoopTransport transport, HttpService service, SslContext tls) {
        this.transport = transport;
        this.service = service;
        this.tls = tls;
        // One event loop per CPU, no more: on one CPU a second loop only time-slices with the first, so a part's burst
        // of held reloads on one loop waits behind the part fetches the other serves (LL-HLS at 1,000 players, relay
        // pinned to one CPU, no collection in the window: p99 17.4 ms with two loops, 14.4 ms with one).
        int threads = Runtime.getRuntime().availableProcessors();
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("relay-http"),
                transport.ioHandlers());
    }

    /** Binds and returns the bound address (the real port when {@code port} is 0). */
    public InetSocketAddress bind(String host, int port) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS));
                        if (tls == null) {
                            addHttp1(ch.pipeline());
                        } else {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()),
                                    new HttpProtocolNegotiation(HttpServer.this, service.counters()));
                        }
                    }
                });
        listener = b.bind(host, port).sync().channel();
        InetSocketAddress bound = (InetSocketAddress) listener.localAddress();
        LOG.info("{} listening on {} (transport {}: {})", tls == null ? "HTTP" : "HTTPS (HTTP/2 and HTTP/1.1)",
                bound, transport.name(), transport.reason());
        return bound;
    }

    /** HTTP/1.1 on a connection (plain, or TLS without ALPN or with {@code http/1.1} chosen). */
    void addHttp1(ChannelPipeline p) {
        addHttp1(p, service);
    }

    /** The HTTP/1.1 handlers of a connection (also what tests drive on an embedded channel). */
    static void addHttp1(ChannelPipeline p, HttpService service) {
        HttpDecoderConfig decoder = new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_INITIAL_LINE_BYTES)
                .setMaxHeaderSize(MAX_HEADER_BYTES)
                .setMaxChunkSize(MAX_CHUNK_BYTES);
        // Decoder and encoder apart, not HttpServerCodec: the dispatcher writes responses already in wire form past
        // the encoder (SharedBody), which that codec's count of requests answered would not see; HEAD (the codec's
        // reason for counting) and keep-alive are the dispatcher's (ReplyTo).
        p.addLast(new HttpRequestDecoder(decoder))
                .addLast(new HttpResponseEncoder())
                .addLast(new BodyLimitAggregator(MAX_BODY_BYTES, service.json(), service.counters()))
                .addLast(new RequestDispatcher(service, MAX_BODY_BYTES))
                .addLast(ConnectionGuard.INSTANCE);
    }

    /** HTTP/2 on a TLS connection that chose {@code h2}: each stream gets the HTTP/1.1 handlers' request objects. */
    void addHttp2(ChannelPipeline p) {
        Http2Settings settings = Http2Settings.defaultSettings()
                .maxConcurrentStreams(MAX_CONCURRENT_STREAMS)
                .maxHeaderListSize(MAX_HEADER_BYTES);
        p.addLast(Http2FrameCodecBuilder.forServer().initialSettings(settings).build(),
                new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel stream) {
                        stream.pipeline()
                                .addLast(new Http2StreamFrameToHttpObjectCodec(true))
                                .addLast(new BodyLimitAggregator(MAX_BODY_BYTES, service.json(), service.counters()))
                                .addLast(new RequestDispatcher(service, MAX_BODY_BYTES))
                                .addLast(ConnectionGuard.INSTANCE);
                    }
                }),
                ConnectionGuard.INSTANCE);
    }

    /** Whether this listener serves HTTPS. */
    public boolean tls() {
        return tls != null;
    }

    @Override
    public void close() {
        if (listener != null) {
            listener.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .awaitUninterruptibly(SHUTDOWN_TIMEOUT_SECONDS + 1, TimeUnit.SECONDS);
    }
}
