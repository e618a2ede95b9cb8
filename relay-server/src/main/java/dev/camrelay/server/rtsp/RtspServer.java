package dev.camrelay.server.rtsp;

import dev.camrelay.rtsp.message.RtspEncoder;
import dev.camrelay.rtsp.message.RtspFramer;
import dev.camrelay.server.camera.Camera;
import dev.camrelay.server.camera.CameraRegistry;
import dev.camrelay.server.http.EventLoopTransport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's RTSP side on Netty: the listener push cameras publish to (ANNOUNCE/RECORD, protocols.md 2) and the
 * event loops pull cameras' sessions run on ({@link PullIngest}). Each connection is owned by one event loop, which is
 * the single writer of its camera's buffer (architecture.md section 2).
 *
 * <p>Threading: {@link #bind} and {@link #close} from one controlling thread; {@link #claim}, {@link #release} and
 * the counters are thread-safe and used by the connections' event loops.
 */
public final class RtspServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RtspServer.class);

    /** Tracks taken from one ANNOUNCE (StreamFormat.MAX_TRACKS). */
    static final int MAX_TRACKS = 8;
    /** RTSP connections open at once; beyond it new ones are closed on accept and counted. */
    public static final int MAX_CONNECTIONS = 4096;
    /** A connection that is not publishing and sends nothing for this long is closed. */
    public static final int IDLE_SECONDS = 60;
    /** How long deleting a camera waits for its publisher's connection to close. */
    static final long CLOSE_TIMEOUT_MILLIS = 2000;
    /** Netty's graceful shutdown bound, so SIGTERM ends within 5 s. */
    static final int SHUTDOWN_TIMEOUT_SECONDS = 2;

    private final CameraRegistry cameras;
    private final RtspIngestCounters counters = new RtspIngestCounters();
    private final ConcurrentHashMap<String, PublishConnection> publishers = new ConcurrentHashMap<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final EventLoopGroup group;
    private final boolean epoll;
    private Channel listener;

    public RtspServer(EventLoopTransport transport, CameraRegistry cameras) {
        this.cameras = cameras;
        this.epoll = transport.name().equals("epoll");
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("relay-rtsp"),
                transport.ioHandlers());
    }

    /** Binds the listener and returns the bound address (the real port when {@code port} is 0). */
    public InetSocketAddress bind(String host, int port, Class<? extends io.netty.channel.ServerChannel> type)
            throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(type)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (connections.incrementAndGet() > MAX_CONNECTIONS) {
                            connections.decrementAndGet();
                            counters.connectionRefused();
                            ch.close();
                            return;
                        }
                        counters.connectionAccepted();
                        ch.pipeline()
                                .addLast(new IdleStateHandler(IDLE_SECONDS, 0, 0, TimeUnit.SECONDS))
                                .addLast(new RtspFramer())
                                .addLast(new RtspEncoder())
                                .addLast(new PublishConnection(RtspServer.this));
                    }
                });
        listener = b.bind(host, port).sync().channel();
        InetSocketAddress bound = (InetSocketAddress) listener.localAddress();
        LOG.info("RTSP listening on {}", bound);
        return bound;
    }

    public RtspIngestCounters counters() {
        return counters;
    }

    /** The event loops pull sessions run on. */
    EventLoopGroup group() {
        return group;
    }

    Class<? extends DatagramChannel> datagramChannel() {
        return epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
    }

    Class<? extends SocketChannel> socketChannel() {
        return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** A configured push camera by id, or null (unknown, pulled or the demo camera). */
    Camera pushCamera(String id) {
        return cameras.find(id).filter(c -> c.spec().isPush()).orElse(null);
    }

    /** Makes {@code c} the camera's publisher unless another one holds it. */
    boolean claim(String cameraId, PublishConnection c) {
        return publishers.putIfAbsent(cameraId, c) == null;
    }

    void release(String cameraId, PublishConnection c) {
        publishers.remove(cameraId, c);
    }

    void connectionClosed() {
        connections.decrementAndGet();
    }

    /** Connections open now. */
    public int connections() {
        return connections.get();
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
