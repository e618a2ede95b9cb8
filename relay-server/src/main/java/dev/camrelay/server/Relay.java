package dev.camrelay.server;

import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import dev.camrelay.core.isolation.IsolationViolations;
import dev.camrelay.core.session.SessionRegistry;
import dev.camrelay.core.token.RevocationList;
import dev.camrelay.core.token.TokenService;
import dev.camrelay.hls.segment.SegmenterConfig;
import dev.camrelay.server.api.CameraApi;
import dev.camrelay.server.api.OpsApi;
import dev.camrelay.server.api.RelayLinks;
import dev.camrelay.server.api.SessionApi;
import dev.camrelay.server.camera.Camera;
import dev.camrelay.server.camera.CameraRegistry;
import dev.camrelay.server.camera.EpochSource;
import dev.camrelay.server.config.CameraSpec;
import dev.camrelay.server.config.ConfigException;
import dev.camrelay.server.config.ConfigKey;
import dev.camrelay.server.config.RelayConfig;
import dev.camrelay.server.demo.DemoCamera;
import dev.camrelay.server.demo.DemoClip;
import dev.camrelay.server.hls.HlsApi;
import dev.camrelay.server.hls.HlsMetrics;
import dev.camrelay.server.hls.HlsRefusalCounts;
import dev.camrelay.server.hls.HlsStreams;
import dev.camrelay.server.http.AdminAuth;
import dev.camrelay.server.http.CorsPolicy;
import dev.camrelay.server.http.EventLoopTransport;
import dev.camrelay.server.http.HttpCounters;
import dev.camrelay.server.http.HttpServer;
import dev.camrelay.server.http.HttpService;
import dev.camrelay.server.http.HttpTls;
import dev.camrelay.server.http.JsonCodec;
import dev.camrelay.server.http.Router;
import dev.camrelay.server.http.ViewerAuth;
import dev.camrelay.server.metrics.RelayMetrics;
import dev.camrelay.server.metrics.TokenRejectionCounts;
import dev.camrelay.server.play.PlayerApi;
import dev.camrelay.server.rtsp.OnDemandPull;
import dev.camrelay.server.rtsp.PullIngest;
import dev.camrelay.server.rtsp.RtspServer;
import dev.camrelay.server.webrtc.WebRtcEgress;
import dev.camrelay.server.webrtc.WebRtcMetrics;
import dev.camrelay.server.webrtc.WhepApi;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole relay as one object: {@link #start} brings up cameras, tokens, sessions, metrics, the HTTP server, the
 * demo camera and the sweeper; {@link #close} takes them down in reverse, within the 5 s that SIGTERM allows.
 * {@code RelayMain} runs one; tests start the real thing in-process on port 0.
 *
 * <p>Threading: {@link #start} and {@link #close} from one controlling thread; the getters are thread-safe.
 */
public final class Relay implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Relay.class);

    /**
     * The tokens' {@code aud} and {@code iss}: one name for the deployment rather than this node's URL, so that with
     * scale-out (architecture.md section 8) any node accepts a token any node issued.
     */
    public static final String TOKEN_AUDIENCE = "camrelay";
    public static final String TOKEN_ISSUER = "camrelay";
    /** How often expired sessions are ended and bitrates sampled; expiry ends delivery within 2 s (contract.md). */
    public static final long SWEEP_PERIOD_MILLIS = 500;
    /** Revocation entries outlive their tokens' expiry; dropping them once a minute is plenty. */
    public static final int PURGE_EVERY_SWEEPS = 120;

    private final RelayConfig config;
    private final Clock clock = Clock.systemUTC();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final IsolationViolations violations = new IsolationViolations();
    private final HttpCounters httpCounters = new HttpCounters();
    private final TokenRejectionCounts tokenRejections = new TokenRejectionCounts();
    private final HlsRefusalCounts hlsRefusals = new HlsRefusalCounts();
    private final EventLoopTransport transport = EventLoopTransport.detect();
    private CameraRegistry cameras;
    private SessionRegistry sessions;
    private TokenService tokens;
    private BoundPorts ports;
    private RelayLinks links;
    private HttpServer http;
    private HlsApi hls;
    private HlsStreams hlsStreams;
    private RtspServer rtsp;
    private volatile boolean listening;
    private volatile Camera demoCamera;

    private Relay(RelayConfig config) {
        this.config = config;
    }

    /** Starts a relay; on failure everything already started is closed again and the cause is thrown. */
    public static Relay start(RelayConfig config) throws Exception {
        Relay relay = new Relay(config);
        try {
            relay.startAll();
            return relay;
        } catch (Exception | Error e) {
            relay.close();
            throw e;
        }
    }

    private void startAll() throws Exception {
        RevocationList revocations = new RevocationList();
        byte[] secret = config.tokenSecret().isEmpty() ? TokenService.randomSecret()
                : config.tokenSecret().getBytes(StandardCharsets.UTF_8);
        tokens = new TokenService(secret, TOKEN_AUDIENCE, TOKEN_ISSUER, clock, revocations);
        if (!config.jwksUrl().isEmpty()) {
            // nimbus fetches the JWKS lazily, caches it and refreshes it on an unknown key id.
            tokens.addExternalIssuer(config.jwksIssuer(),
                    JWKSourceBuilder.create(URI.create(config.jwksUrl()).toURL()).retrying(true).build());
            LOG.info("accepting viewer tokens of issuer {} checked against {}", config.jwksIssuer(), config.jwksUrl());
        }
        cameras = new CameraRegistry(config.maxCameras(), config.streamBufferBytes(), EpochSource.processWide(), clock);
        toClose.add(cameras);
        sessions = new SessionRegistry(cameras, violations, revocations, clock, config.maxSessionsPerCamera());
        sessions.addEndListener(s -> LOG.info("session {} of camera {} ended", s.id().value(), s.cameraId()));
        RelayMetrics metrics = new RelayMetrics(cameras, sessions, violations, httpCounters, tokenRejections, clock);
        metrics.addHls(hlsRefusals);

        // Handlers may block (control plane): one virtual thread per request, never an event loop.
        ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
        toClose.add(handlers::shutdownNow);
        JsonCodec json = new JsonCodec();
        Router router = new Router();
        // The relay's own origin is known only once the port is bound; until then nothing is routed either.
        AtomicReference<CorsPolicy> cors = new AtomicReference<>(new CorsPolicy(List.of()));
        http = new HttpServer(transport, new HttpService(router, cors::get, json, httpCounters, handlers), httpTls());
        int httpPort = http.bind(config.bind(), config.httpPort()).getPort();
        WebRtcEgress webrtc = WebRtcEgress.start(config.bind(), config.webrtcPort(), "epoll".equals(transport.name()),
                clock);
        toClose.add(webrtc);
        sessions.addEndListener(webrtc::onViewerSessionEnded);
        WebRtcMetrics.register(metrics, webrtc);
        new WhepApi(webrtc, cameras, sessions, new ViewerAuth(tokens, tokenRejections), clock).register(router);
        rtsp = new RtspServer(transport, cameras);
        toClose.add(rtsp);
        int rtspPort = rtsp.bind(config.bind(), config.rtspPort(), transport.serverChannel()).getPort();
        metrics.addRtspIngest(rtsp.counters());
        ports = new BoundPorts(httpPort, OptionalInt.of(rtspPort), OptionalInt.of(webrtc.port()));
        links = new RelayLinks(config.publicUrl().isEmpty()
                ? PublicAddress.defaultUrl(config.tls() ? "https" : "http", config.bind(), httpPort)
                : config.publicUrl(), rtspPort);
        cors.set(new CorsPolicy(config.corsOrigins().isEmpty()
                ? List.of(links.origin(), CorsPolicy.GSTATIC) : config.corsOrigins()));

        AdminAuth admin = new AdminAuth(config.adminKey());
        CameraApi cameraApi = new CameraApi(cameras, sessions, json, links);
        cameraApi.onAdded(camera -> {
            if (camera.spec().isPull() && Boolean.TRUE.equals(camera.spec().onDemand())) {
                OnDemandPull.start(camera, rtsp, () -> sessions.activeCount(camera.id()));
            } else if (camera.spec().isPull()) {
                PullIngest.start(camera, rtsp);
            }
        });
        cameraApi.register(router, admin);
        SessionApi sessionApi = new SessionApi(cameras, sessions, tokens, revocations, json, links, clock,
                config.sessionTtlSeconds(), config.maxSessionTtlSeconds());
        sessionApi.webrtcDetails(webrtc::details);
        sessionApi.register(router, admin);
        hlsStreams = new HlsStreams(cameras, sessions,
                SegmenterConfig.defaults().withPartTargetMillis(config.hlsPartTargetMillis()), clock);
        toClose.add(hlsStreams);
        hls = new HlsApi(cameras, sessions, hlsStreams, hlsRefusals, new ViewerAuth(tokens, tokenRejections),
                handlers, clock, TOKEN_ISSUER, violations);
        hls.register(router);
        HlsMetrics.register(metrics, hls, hlsStreams);
        new PlayerApi(cameras, sessions, tokens, revocations, json,
                config.demo() ? RelayConfig.DEMO_CAMERA_ID : null).register(router);
        new OpsApi(json, this::notReadyReason, metrics::scrape, metrics.contentType()).register(router);

        for (CameraSpec spec : config.cameras()) {
            cameraApi.add(spec);
        }
        if (config.demo()) {
            startDemo();
        }
        startSweeper(revocations);
        listening = true;
    }

    /** HTTPS with HTTP/2 when a certificate is configured; null for plain HTTP. */
    private io.netty.handler.ssl.SslContext httpTls() throws ConfigException {
        if (!config.tls()) {
            return null;
        }
        try {
            return HttpTls.serverContext(new java.io.File(config.tlsCertificate()), new java.io.File(config.tlsKey()));
        } catch (java.io.IOException e) {
            throw new ConfigException(ConfigKey.TLS_CERT.label() + ", " + ConfigKey.TLS_KEY.label() + ": "
                    + e.getMessage(), e);
        }
    }

    private void startDemo() throws Exception {
        DemoClip clip = DemoClip.load();
        Camera camera = cameras.add(CameraSpec.demo(RelayConfig.DEMO_CAMERA_ID),
                "built-in demo camera: a looped H.264 clip from the jar (demo: false / RELAY_DEMO=false turns it off)");
        DemoCamera demo = new DemoCamera(clip, camera.sink());
        camera.attachIngest(demo::close);
        camera.reportGopFrames(clip.gopFrames());
        demoCamera = camera;
        demo.start();
    }

    private void startSweeper(RevocationList revocations) {
        ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "relay-sweeper");
            t.setDaemon(true);
            return t;
        });
        toClose.add(sweeper::shutdownNow);
        long[] sweeps = {0};
        sweeper.scheduleAtFixedRate(() -> {
            try {
                sessions.expireDue();
                hls.sweep();
                cameras.sampleRates(System.nanoTime());
                if (++sweeps[0] % PURGE_EVERY_SWEEPS == 0) {
                    revocations.purgeExpired(clock.instant());
                }
            } catch (RuntimeException e) {
                // A failed sweep must not cancel the schedule: expiry is a security property.
                LOG.error("session sweep failed; retrying next period", e);
            }
        }, SWEEP_PERIOD_MILLIS, SWEEP_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Empty when every listener is bound and the demo camera (if enabled) is live; else what is missing. */
    public Optional<String> notReadyReason() {
        if (!listening) {
            return Optional.of("the relay is starting");
        }
        Camera demo = demoCamera;
        if (config.demo() && (demo == null || !demo.state().isLive())) {
            return Optional.of("the demo camera is not live yet");
        }
        return Optional.empty();
    }

    public boolean isReady() {
        return notReadyReason().isEmpty();
    }

    public RelayConfig config() {
        return config;
    }

    public BoundPorts ports() {
        return ports;
    }

    public RelayLinks links() {
        return links;
    }

    public EventLoopTransport transport() {
        return transport;
    }

    public CameraRegistry cameras() {
        return cameras;
    }

    public TokenService tokens() {
        return tokens;
    }

    public SessionRegistry sessions() {
        return sessions;
    }

    /** The per-camera LL-HLS streams. */
    public HlsStreams hlsStreams() {
        return hlsStreams;
    }

    /** The LL-HLS endpoints. */
    public HlsApi hlsApi() {
        return hls;
    }

    /** HLS refusals (403, no media byte) by reason. */
    public HlsRefusalCounts hlsRefusals() {
        return hlsRefusals;
    }

    /** The RTSP listener and pull sessions. */
    public RtspServer rtsp() {
        return rtsp;
    }

    public IsolationViolations violations() {
        return violations;
    }

    /**
     * Stops everything, bounded: the HTTP listener first (no new work), then the sweeper and handlers, then the
     * cameras (ingest threads stop, buffers are sealed). Idempotent.
     */
    @Override
    public synchronized void close() {
        listening = false;
        if (http != null) {
            http.close();
            http = null;
        }
        for (AutoCloseable c : toClose.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("shutdown step failed: {}", e.toString());
            }
        }
        toClose.clear();
    }
}
