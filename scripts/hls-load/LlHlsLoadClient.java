import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * LL-HLS load client, run as its own JVM by scripts/hls-load.sh (JDK single-file launch, with the relay's jar on the
 * class path for Netty): N players, each with its own viewer session and connection, doing what hls.js does at the
 * live edge: a blocking reload for the next part ({@code _HLS_msn}/{@code _HLS_part}), then a fetch of that part,
 * again and again. One Netty event loop drives every player, so the client stays lighter than the relay it loads
 * (the JDK's HttpClient used a whole core for 1,000 players and fell behind).
 *
 * <p>Measured per blocked reload: from the moment the part it waits for was complete at the relay to the moment the
 * response announcing it is received here. That moment is the part's end on the media timeline dated by the
 * playlist's {@code EXT-X-PROGRAM-DATE-TIME}, which the relay takes from when the frame that closes the part arrived
 * (this machine's clock, as the client's). A reload sent only after that moment (the client itself was late) was not
 * blocked and is counted apart, not measured.
 *
 * <p>Measured by the relay itself, and read from its {@code /metrics} (scraped every few seconds through the warm-up,
 * as a monitoring system does, so that the scrape path is compiled) with one scrape at the start of the window and
 * one at its end: {@code relay_hls_reload_latency_seconds{window="interval"}} (quantiles since the previous scrape,
 * so the second scrape's are exactly the window's) and {@code relay_hls_reload_latency_samples_total}, from the
 * moment the frame that completed the awaited part reached the relay (the first frame of the next part, which
 * closes it) to the moment the held response was written to the socket. That is the
 * relay's own clock, free of this client's scheduling; the target (p99 under 20 ms at 1,000 players) is judged by it.
 *
 * <p>Usage: {@code java -cp relay-server.jar LlHlsLoadClient.java BASE ADMIN_KEY CAMERA PLAYERS SECONDS RELAY_PID
 * [WARMUP_SECONDS]} (3 by default): the players play that long before the window opens.
 */
public final class LlHlsLoadClient {

    private static final Pattern HLS_URL = Pattern.compile("\"hlsUrl\":\"([^\"]+)\"");
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    /** How often the warm-up scrapes the relay's /metrics (Prometheus' default is 15 s; more often warms it sooner). */
    private static final long SCRAPE_PERIOD_MILLIS = 2_000;
    private static final int MAX_PLAYLIST_BYTES = 1 << 20;
    private static final int MAX_SAMPLES = 1 << 22;

    private static final long[] samples = new long[MAX_SAMPLES];
    private static final AtomicLong sampleCount = new AtomicLong();
    private static final AtomicLong errors = new AtomicLong();
    private static final AtomicLong late = new AtomicLong();
    private static final AtomicLong parts = new AtomicLong();
    private static final AtomicBoolean measuring = new AtomicBoolean();

    private LlHlsLoadClient() {
    }

    /** The last part listed: its segment's msn, its index there, its stream-wide number, epoch, end time (µs). */
    record Edge(long msn, int index, long number, long epoch, long endMicros) {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String adminKey = args[1];
        String camera = args[2];
        int players = Integer.parseInt(args[3]);
        int seconds = Integer.parseInt(args[4]);
        long relayPid = Long.parseLong(args[5]);
        int warmupSeconds = args.length > 6 ? Integer.parseInt(args[6]) : 3;
        List<URI> playlists = sessions(base, adminKey, camera, players);

        boolean epoll = Epoll.isAvailable();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        try {
            Bootstrap b = new Bootstrap().group(group)
                    .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_PLAYLIST_BYTES));
                        }
                    });
            for (URI playlist : playlists) {
                Channel ch = b.connect(playlist.getHost(), playlist.getPort()).sync().channel();
                ch.pipeline().addLast(new Player(playlist));
                ch.pipeline().get(Player.class).start(ch);
            }
            // Scraped through the warm-up as a monitoring system would (every SCRAPE_PERIOD_MILLIS): the relay's
            // scrape path is then compiled, as in a relay that runs for long; a first, interpreted scrape at the
            // window's start took ~100 ms of the relay's one core (measured: 111 ms, then 10-15 ms once warm).
            for (long end = System.nanoTime() + warmupSeconds * 1_000_000_000L; System.nanoTime() < end; ) {
                scrape(base);
                Thread.sleep(Math.min(SCRAPE_PERIOD_MILLIS, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            }
            long ticks0 = cpuTicks(relayPid);
            long own0 = cpuTicks(ProcessHandle.current().pid());
            long wall0 = System.nanoTime();
            long errors0 = errors.get();
            long late0 = late.get();
            long parts0 = parts.get();
            String metrics0 = scrape(base); // starts the relay's interval window
            measuring.set(true);
            Thread.sleep(seconds * 1000L);
            measuring.set(false);
            String metrics1 = scrape(base);
            long ticks1 = cpuTicks(relayPid);
            long own1 = cpuTicks(ProcessHandle.current().pid());
            double wall = (System.nanoTime() - wall0) / 1e9;
            int n = (int) Math.min(sampleCount.get(), MAX_SAMPLES);
            long[] micros = java.util.Arrays.copyOf(samples, n);
            java.util.Arrays.sort(micros);
            System.out.printf("players=%d seconds=%d blocked_reloads=%d (%.0f/s) p50_ms=%.2f p99_ms=%.2f max_ms=%.2f"
                            + " late_reloads=%d parts=%d errors=%d relay_cpu_pct_of_one_core=%.1f"
                            + " client_cpu_pct_of_one_core=%.1f%n", players, seconds, n, n / wall,
                    pct(micros, 50) / 1000.0, pct(micros, 99) / 1000.0, n == 0 ? 0 : micros[n - 1] / 1000.0,
                    late.get() - late0, parts.get() - parts0, errors.get() - errors0,
                    (ticks1 - ticks0) * 100.0 / clockTicksPerSecond() / wall,
                    (own1 - own0) * 100.0 / clockTicksPerSecond() / wall);
            System.out.printf("players=%d relay-side: held_reloads=%d p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f"
                            + " p999_ms=%.2f max_ms=%.2f (part's completing frame in to socket write, the relay's clock)%n", players,
                    (long) (sample(metrics1, "relay_hls_reload_latency_samples_total", null)
                            - sample(metrics0, "relay_hls_reload_latency_samples_total", null)),
                    1e3 * sample(metrics1, "relay_hls_reload_latency_seconds", "0.5"),
                    1e3 * sample(metrics1, "relay_hls_reload_latency_seconds", "0.9"),
                    1e3 * sample(metrics1, "relay_hls_reload_latency_seconds", "0.99"),
                    1e3 * sample(metrics1, "relay_hls_reload_latency_seconds", "0.999"),
                    1e3 * sample(metrics1, "relay_hls_reload_latency_seconds", "1.0"));
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    /** One viewer session per player, and its media playlist's URI (from the multivariant playlist). */
    private static List<URI> sessions(String base, String adminKey, String camera, int players) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT)
                .build();
        List<URI> playlists = new ArrayList<>();
        for (int i = 0; i < players; i++) {
            HttpResponse<String> s = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/cameras/" + camera
                            + "/sessions")).header("Authorization", "Bearer " + adminKey)
                    .header("Content-Type", "application/json").timeout(TIMEOUT)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"protocol\":\"hls\",\"ttlSeconds\":3600,"
                            + "\"viewer\":\"load-" + i + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher m = HLS_URL.matcher(s.body());
            if (s.statusCode() != 201 || !m.find()) {
                throw new IllegalStateException("session " + i + ": " + s.statusCode() + " " + s.body());
            }
            URI multivariant = URI.create(m.group(1));
            String text = http.send(HttpRequest.newBuilder(multivariant).timeout(TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            String media = text.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).findFirst().orElseThrow();
            playlists.add(multivariant.resolve(media));
        }
        return playlists;
    }

    /** One player on its own connection: reload, part, reload, ... on the client's one event loop. */
    private static final class Player extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final String path;
        private final String host;
        private Edge edge;
        private boolean awaitingPart;
        private long sentMicros;

        Player(URI playlist) {
            this.path = playlist.getRawPath();
            this.host = playlist.getHost() + ":" + playlist.getPort();
        }

        void start(Channel ch) {
            ch.eventLoop().execute(() -> reload(ch));
        }

        private void reload(Channel ch) {
            awaitingPart = false;
            send(ch, edge == null ? path : path + "?_HLS_msn=" + edge.msn() + "&_HLS_part=" + (edge.index() + 1));
        }

        private void send(Channel ch, String uri) {
            DefaultFullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
            r.headers().set(HttpHeaderNames.HOST, host);
            sentMicros = nowMicros();
            ch.writeAndFlush(r);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            long received = nowMicros();
            if (response.status().code() != 200) {
                count(errors);
                edge = null;
                reload(ctx.channel());
                return;
            }
            if (awaitingPart) {
                if (measuring.get()) {
                    parts.incrementAndGet();
                }
                reload(ctx.channel());
                return;
            }
            Edge next = lastPart(response.content());
            if (edge != null && measuring.get()) {
                if (sentMicros >= next.endMicros()) {
                    late.incrementAndGet(); // asked only once the part was there: not a blocked reload
                } else {
                    long i = sampleCount.getAndIncrement();
                    if (i < MAX_SAMPLES) {
                        samples[(int) i] = received - next.endMicros();
                    }
                }
            }
            edge = next;
            awaitingPart = true;
            send(ctx.channel(), path.replace("index.m3u8", "part-" + edge.epoch() + "-" + edge.number() + ".m4s"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            count(errors);
            ctx.close();
        }
    }

    private static void count(AtomicLong counter) {
        if (measuring.get()) {
            counter.incrementAndGet();
        }
    }

    /** The last part listed, with its end dated from its segment's EXT-X-PROGRAM-DATE-TIME. */
    static Edge lastPart(ByteBuf body) {
        String playlist = body.toString(StandardCharsets.US_ASCII);
        int lastPart = playlist.lastIndexOf("#EXT-X-PART:");
        int pdt = playlist.lastIndexOf("#EXT-X-PROGRAM-DATE-TIME:", lastPart);
        if (lastPart < 0 || pdt < 0) {
            throw new IllegalStateException("no part in playlist");
        }
        long msn = Long.parseLong(value(playlist, playlist.indexOf("#EXT-X-MEDIA-SEQUENCE:")));
        for (int at = playlist.indexOf("#EXTINF:"); at >= 0 && at < lastPart; at = playlist.indexOf("#EXTINF:", at + 1)) {
            msn++;
        }
        Instant start = Instant.parse(value(playlist, pdt));
        long endMicros = start.getEpochSecond() * 1_000_000 + start.getNano() / 1000;
        int index = -1;
        for (int at = playlist.indexOf("#EXT-X-PART:DURATION=", pdt); at >= 0 && at <= lastPart;
             at = playlist.indexOf("#EXT-X-PART:DURATION=", at + 1)) {
            int from = at + "#EXT-X-PART:DURATION=".length();
            endMicros += Math.round(Double.parseDouble(playlist.substring(from, playlist.indexOf(',', from))) * 1e6);
            index++;
        }
        int uri = playlist.indexOf("URI=\"part-", lastPart) + "URI=\"part-".length();
        int dash = playlist.indexOf('-', uri);
        long epoch = Long.parseLong(playlist.substring(uri, dash));
        long number = Long.parseLong(playlist.substring(dash + 1, playlist.indexOf(".m4s", dash)));
        return new Edge(msn, index, number, epoch, endMicros);
    }

    private static String scrape(String base) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT)
                .build();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).timeout(TIMEOUT)
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("/metrics: " + r.statusCode());
        }
        return r.body();
    }

    /** A sample of a scrape: the unlabelled one, or the interval window's {@code quantile}. */
    private static double sample(String scrape, String name, String quantile) {
        for (String line : scrape.split("\n")) {
            boolean match = quantile == null ? line.startsWith(name + " ")
                    : line.startsWith(name + "{") && line.contains("window=\"interval\"")
                            && line.contains("quantile=\"" + quantile + "\"");
            if (match) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new IllegalStateException("no " + name + " " + quantile + " in /metrics");
    }

    /** The value after the tag's colon, to the end of its line. */
    private static String value(String playlist, int tagAt) {
        int colon = playlist.indexOf(':', tagAt);
        int end = playlist.indexOf('\n', colon);
        return playlist.substring(colon + 1, end < 0 ? playlist.length() : end).strip();
    }

    private static long nowMicros() {
        Instant t = Instant.now();
        return t.getEpochSecond() * 1_000_000 + t.getNano() / 1000;
    }

    private static double pct(long[] sorted, int p) {
        return sorted.length == 0 ? 0
                : sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * p / 100.0) - 1)];
    }

    /** utime + stime of a process, in clock ticks (/proc/PID/stat fields 14 and 15). */
    private static long cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static long clockTicksPerSecond() {
        return Long.getLong("clk.tck", 100); // USER_HZ; the script passes getconf CLK_TCK
    }
}
