package dev.camrelay.server.hls;

import dev.camrelay.core.isolation.IsolationAlarm;
import dev.camrelay.core.media.StreamFormat;
import dev.camrelay.core.media.StreamKey;
import dev.camrelay.core.session.Protocol;
import dev.camrelay.core.session.SessionLimitException;
import dev.camrelay.core.session.SessionRegistry;
import dev.camrelay.core.session.ViewerSession;
import dev.camrelay.core.token.ViewerClaims;
import dev.camrelay.hls.playlist.DeliveryDirectives;
import dev.camrelay.hls.playlist.HlsUris;
import dev.camrelay.hls.playlist.MediaPlaylistSnapshot;
import dev.camrelay.hls.playlist.MediaResource;
import dev.camrelay.hls.playlist.MultivariantPlaylistRenderer;
import dev.camrelay.hls.playlist.VariantStream;
import dev.camrelay.hls.segment.BitrateStats;
import dev.camrelay.hls.segment.StoredPart;
import dev.camrelay.hls.segment.StoredSegment;
import dev.camrelay.server.camera.Camera;
import dev.camrelay.server.camera.CameraRegistry;
import dev.camrelay.server.http.AsyncRouteHandler;
import dev.camrelay.server.http.HttpError;
import dev.camrelay.server.http.NonBlockingRouteHandler;
import dev.camrelay.server.http.Request;
import dev.camrelay.server.http.Response;
import dev.camrelay.server.http.Router;
import dev.camrelay.server.http.SharedBody;
import dev.camrelay.server.http.ViewerAuth;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The LL-HLS endpoints (contract.md, LL-HLS). {@code GET /hls/{cameraId}/index.m3u8} checks the viewer token,
 * finds (or, for an external issuer's token, creates) its viewer session, binds a fresh {@code sid} to (session,
 * camera, epoch, expiry) and answers the multivariant playlist, whose URIs lead to {@code /hls/s/{sid}/...}.
 * {@code GET /hls/s/{sid}/{rendition}/{name}} serves the media playlist (with blocking reloads and delta updates),
 * init sections, parts and segments of that camera's own {@link HlsStream} only.
 *
 * <p><b>Every</b> {@code /hls/s/} request is checked before any media is read: the {@code sid} exists, its session
 * is active, session, playback and stream name the same camera, and a media name's epoch is the epoch bound now
 * (which follows the player across a camera restart, never back: {@link #boundEpoch}).
 * Any failure is 403 with the JSON error and no media byte, counted by {@link HlsRefusal}. A blocked reload is checked
 * again when it is answered.
 *
 * <p>Parts and segments are sent from their stream's own direct memory without a copy: each response holds a
 * read-only view with a reference of its own ({@link StoredPart#retainedView()}), released when it has been written,
 * so media evicted while a response is in flight still goes out whole. Media playlists are rendered once per
 * snapshot into direct memory that every viewer's response shares, with their header block made once
 * ({@link SharedBody}); init sections are small heap arrays. A reload that was held is timed from the arrival of
 * the frame that completed the part it waited for to its write to the socket ({@link ReloadLatency},
 * {@code relay_hls_reload_latency_seconds}).
 *
 * <p><b>Threading contract:</b> stateless apart from thread-safe collaborators; handlers run concurrently on virtual
 * threads, and blocked reloads hold no thread: they are answered on the thread that ends their wait (the HLS wake
 * thread after a publish, or the timeout timer), with non-blocking work only (checks, lookups, cached bytes).
 */
public final class HlsApi {

    /** RFC 8216bis §4: the media type of playlists (RFC 8216 section 3.1). */
    public static final String PLAYLIST_TYPE = "application/vnd.apple.mpegurl";
    /** fMP4 init sections, parts and segments (RFC 8216bis §3.1.2). */
    public static final String MEDIA_TYPE = "video/mp4";
    /** Playlists change with every part: a cache must check before reusing one (contract.md). */
    public static final String PLAYLIST_CACHING = "no-cache";
    /** Media is per viewer session: never stored by a shared cache (isolation.md, Wyze 2023). */
    public static final String MEDIA_CACHING = "private";
    /** The only rendition until transcoding lands: the camera's own stream. */
    public static final String SOURCE_RENDITION = Integer.toString(StreamKey.SOURCE_RENDITION);
    /** BANDWIDTH before any segment is complete and the camera's ingest rate is not known yet. */
    static final long DEFAULT_BANDWIDTH = 2_000_000;
    /** Sent with 503s: a player retries after about one segment. */
    static final String RETRY_AFTER_SECONDS = "1";
    private static final Map<String, String> MEDIA_HEADERS = Map.of("Cache-Control", MEDIA_CACHING);
    static final Map<String, String> PLAYLIST_HEADERS = Map.of("Cache-Control", PLAYLIST_CACHING);

    private final CameraRegistry cameras;
    private final SessionRegistry sessions;
    private final HlsStreams streams;
    private final HlsPlaybacks playbacks = new HlsPlaybacks();
    private final HlsRefusalCounts refusals;
    private final ViewerAuth auth;
    private final Executor handlers;
    private final Clock clock;
    private final String ownIssuer;
    private final IsolationAlarm alarm;
    private final ReloadLatency latency = new ReloadLatency();

    /**
     * @param ownIssuer the {@code iss} of this relay's tokens: their sessions exist already; tokens of an external
     *                  issuer get a session on first use
     */
    public HlsApi(CameraRegistry cameras, SessionRegistry sessions, HlsStreams streams, HlsRefusalCounts refusals,
                  ViewerAuth auth, Executor handlers, Clock clock, String ownIssuer, IsolationAlarm alarm) {
        this.alarm = alarm;
        this.cameras = cameras;
        this.sessions = sessions;
        this.streams = streams;
        this.refusals = refusals;
        this.auth = auth;
        this.handlers = handlers;
        this.clock = clock;
        this.ownIssuer = ownIssuer;
        sessions.addEndListener(s -> playbacks.removeSession(s.id()));
    }

    public void register(Router router) {
        router.add("GET", "/hls/{cameraId}/" + HlsUris.MEDIA_PLAYLIST, (AsyncRouteHandler) this::multivariant);
        // In-memory lookups and futures only: on the event loop (the token route may fetch an issuer's keys).
        router.add("GET", "/hls/s/{sid}/{rendition}/{name}", (NonBlockingRouteHandler) this::media);
    }

    /** Drops playbacks of expired sessions; the relay's sweeper calls it. */
    public void sweep() {
        playbacks.removeExpired(clock.instant());
    }

    /** The sid bindings themselves: for fault-injection tests of the egress check (isolation.md scorecard #3). */
    HlsPlaybacks playbacks() {
        return playbacks;
    }

    /** HLS playbacks bound now (for tests and metrics). */
    public int playbackCount() {
        return playbacks.size();
    }

    /** Held reloads, the part's completing frame at the relay to the response written. */
    ReloadLatency latency() {
        return latency;
    }

    private CompletableFuture<Response> multivariant(Request request) {
        String cameraId = request.pathParam("cameraId");
        ViewerClaims claims = auth.require(request, cameraId);
        Camera camera = cameras.find(cameraId).orElseThrow(() -> HttpError.notFound("no camera '" + cameraId + "'"));
        ViewerSession session = sessionOf(claims, camera);
        HlsStream stream = streams.forCamera(cameraId).orElseThrow(() -> notLive(cameraId));
        return stream.awaitPlaylist(MediaPlaylistSnapshot::playable, timeoutMillis(stream)).thenApplyAsync(first -> {
            if (first == PlaylistWaiters.TIMED_OUT) {
                throw unavailable("camera '" + cameraId + "' has produced no HLS media yet");
            }
            Instant now = clock.instant();
            if (!session.isActive(now)) {
                throw refuse(HlsRefusal.SESSION_ENDED);
            }
            HlsPlayback playback = playbacks.create(session, stream, now);
            return playlistResponse(MultivariantPlaylistRenderer.render(List.of(variant(stream, playback)))
                    .getBytes(StandardCharsets.UTF_8));
        }, handlers);
    }

    private VariantStream variant(HlsStream stream, HlsPlayback playback) {
        StreamFormat format = stream.format();
        BitrateStats rates = stream.store().bitrates();
        long peak = rates.peakBitsPerSecond();
        if (peak <= 0) {
            long ingest = stream.camera().rate().bitsPerSecond();
            peak = ingest > 0 ? ingest : DEFAULT_BANDWIDTH;
        }
        return VariantStream.of(HlsUris.mediaPlaylistFromMultivariant(playback.sid(), StreamKey.SOURCE_RENDITION),
                format, peak, rates.averageBitsPerSecond());
    }

    /** The viewer session a valid token stands for; tokens of an external issuer get one on first use. */
    private ViewerSession sessionOf(ViewerClaims claims, Camera camera) {
        ViewerSession session = sessions.findByJti(claims.jti()).orElse(null);
        if (session == null && !ownIssuer.equals(claims.issuer())) {
            Duration ttl = Duration.between(clock.instant(), claims.expiresAt());
            try {
                session = sessions.create(camera.id(), Protocol.HLS, claims.subject(), ttl, claims.jti(),
                        camera.epoch());
            } catch (SessionLimitException e) {
                throw HttpError.conflict("session_limit", e.getMessage());
            } catch (IllegalArgumentException e) {
                session = sessions.findByJti(claims.jti()).orElse(null); // a concurrent first request made it
            }
        }
        if (session == null) {
            throw refuse(HlsRefusal.NO_SESSION);
        }
        if (!session.isActive(clock.instant())) {
            throw refuse(HlsRefusal.SESSION_ENDED);
        }
        if (!session.cameraId().equals(camera.id())) {
            throw refuse(HlsRefusal.CAMERA_MISMATCH);
        }
        return session;
    }

    private CompletableFuture<Response> media(Request request) {
        HlsPlayback playback = authorize(request.pathParam("sid"));
        if (!SOURCE_RENDITION.equals(request.pathParam("rendition"))) {
            throw HttpError.notFound("no rendition '" + request.pathParam("rendition") + "'");
        }
        MediaResource name = MediaResource.parse(request.pathParam("name"));
        HlsStream stream = playback.stream();
        return switch (name.kind()) {
            case MEDIA_PLAYLIST -> mediaPlaylist(request, playback, stream);
            case INIT -> CompletableFuture.completedFuture(initResponse(
                    stream.store().init(boundEpoch(playback, name)), name));
            case PART -> part(request, playback, stream, boundEpoch(playback, name), name);
            case SEGMENT -> CompletableFuture.completedFuture(segmentResponse(
                    stream.store().segment(boundEpoch(playback, name), name.number()), name));
            case UNKNOWN -> throw HttpError.notFound("no HLS resource '" + request.pathParam("name") + "'");
        };
    }

    /**
     * A part; the hinted next part is held until it is complete and then sent whole (RFC 8216bis §6.2.6: no byte
     * of a hinted part before it can go at line speed), without a thread waiting.
     */
    private CompletableFuture<Response> part(Request request, HlsPlayback playback, HlsStream stream, long epoch,
                                             MediaResource name) {
        StoredPart stored = stream.store().part(epoch, name.number());
        if (stored != null) {
            return CompletableFuture.completedFuture(partResponse(stored, name));
        }
        MediaPlaylistSnapshot now = stream.store().playlist();
        if (now == null || now.ended() || name.number() != now.nextPartNumber()) {
            throw HttpError.notFound("no part " + name.number() + " (not hinted, or no longer held)");
        }
        // not async: runs where the wait completes (the connection's event loop); nothing here blocks
        return stream.awaitPlaylist(p -> p.nextPartNumber() > name.number(), timeoutMillis(stream),
                        request.connection())
                .thenApply(ready -> {
                    authorize(playback.sid());
                    long bound = boundEpoch(playback, name);
                    StoredPart p = stream.store().part(bound, name.number());
                    if (ready == PlaylistWaiters.TIMED_OUT && p == null) {
                        throw unavailable("the hinted part did not appear within three target durations");
                    }
                    return partResponse(p, name);
                });
    }

    /**
     * The media playlist as this playback may see it: without the epochs older than the one it is bound to
     * ({@link MediaPlaylistSnapshot#fromEpoch}), so a player that joined after a camera restart is never sent to media
     * it would be refused. The first request waits until that view lists a complete segment.
     */
    private CompletableFuture<Response> mediaPlaylist(Request request, HlsPlayback playback, HlsStream stream) {
        long timeout = timeoutMillis(stream);
        // Not async: the continuations run where each wait completes (at the live edge, the connection's event loop,
        // in one batch per loop for every published part); they only check, look up and reuse cached bytes.
        CompletableFuture<MediaPlaylistSnapshot> playable =
                stream.awaitPlaylist(p -> p.fromEpoch(playback.epoch()).playable(), timeout, request.connection());
        return playable.thenCompose(first -> {
            if (first == PlaylistWaiters.TIMED_OUT) {
                throw unavailable("the camera has produced no HLS media yet");
            }
            DeliveryDirectives d = DeliveryDirectives.parse(request.queryParam("_HLS_msn"),
                    request.queryParam("_HLS_part"), request.queryParam("_HLS_skip"),
                    first.fromEpoch(playback.epoch()));
            if (d.badRequest()) {
                throw HttpError.badRequest("bad_delivery_directive", d.reason());
            }
            CompletableFuture<MediaPlaylistSnapshot> wait = stream.awaitPlaylist(d.msn(), d.part(), timeout,
                    request.connection());
            final boolean held = !wait.isDone(); // only a reload that waited measures the relay (ReloadLatency)
            return wait.thenApply(ready -> {
                if (ready == PlaylistWaiters.TIMED_OUT) {
                    throw unavailable("segment " + d.msn() + (d.part() >= 0 ? " part " + d.part() : "")
                            + " did not appear within three target durations (RFC 8216bis 6.2.5.2)");
                }
                authorize(playback.sid()); // checked again: the session may have ended while the request waited
                SharedBody playlist = stream.rendered(ready, playback.epoch(), d.skip());
                long published = held ? stream.store().publishedNanos(ready.awaitedPartNumber(d.msn(), d.part()))
                        : StoredPart.NOT_PUBLISHED;
                return Response.shared(playlist, published == StoredPart.NOT_PUBLISHED ? null : latency, published);
            });
        });
    }

    /** The playback of {@code sid}, if its session is active and everything names one camera; else 403. */
    private HlsPlayback authorize(String sid) {
        HlsPlayback playback = playbacks.find(sid).orElseThrow(() -> refuse(HlsRefusal.UNKNOWN_SID));
        ViewerSession session = sessions.find(playback.session()).orElseThrow(() -> refuse(HlsRefusal.SESSION_ENDED));
        if (!session.isActive(clock.instant())) {
            throw refuse(HlsRefusal.SESSION_ENDED);
        }
        if (!session.cameraId().equals(playback.cameraId())
                || !playback.stream().cameraId().equals(playback.cameraId())) {
            // Never a viewer's doing: the relay's own sid -> session -> stream mapping disagrees. Fail closed, loudly.
            StreamKey expected = new StreamKey(playback.cameraId(), Math.max(1, playback.epoch()),
                    StreamKey.SOURCE_RENDITION);
            alarm.violation(expected, "hls-handler", "session camera=" + session.cameraId() + " stream camera="
                            + playback.stream().cameraId());
            throw refuse(HlsRefusal.CAMERA_MISMATCH);
        }
        return playback;
    }

    /**
     * The name's epoch when it is the one the playback is bound to; else 403. The binding moves forward, never back,
     * when the player asks for media of a newer epoch that the camera's stream holds (the player crossed the
     * {@code EXT-X-DISCONTINUITY}): from then on every older epoch's name is refused, while a player still finishing
     * the old epoch's last segments (a plain-HLS player lagging the live edge) gets them whole.
     */
    private long boundEpoch(HlsPlayback playback, MediaResource name) {
        long bound = playback.epoch();
        HlsStream stream = playback.stream();
        if (name.epoch() > bound && name.epoch() <= stream.epoch() && stream.store().init(name.epoch()) != null) {
            bound = playback.advanceEpoch(name.epoch());
        }
        if (name.epoch() != bound) {
            throw refuse(HlsRefusal.STALE_EPOCH);
        }
        return bound;
    }

    private static Response initResponse(byte[] bytes, MediaResource name) {
        if (bytes == null) {
            throw notHeld(name);
        }
        // The stored array is immutable once published: the dispatcher wraps it (an init section is ~1 KB).
        return new Response(200, MEDIA_TYPE, bytes, MEDIA_HEADERS);
    }

    /** A part from its memory, no copy: the response holds its own reference until written. */
    private static Response partResponse(StoredPart part, MediaResource name) {
        ByteBuf view = part == null ? null : part.retainedView();
        if (view == null) {
            throw notHeld(name); // also when the store let go of it since the look-up
        }
        return Response.ofContent(200, MEDIA_TYPE, view, MEDIA_HEADERS);
    }

    /** A segment as a composite of its parts' memory, no copy. */
    private static Response segmentResponse(StoredSegment segment, MediaResource name) {
        ByteBuf view = segment == null ? null : segment.retainedView();
        if (view == null) {
            throw notHeld(name);
        }
        return Response.ofContent(200, MEDIA_TYPE, view, MEDIA_HEADERS);
    }

    private static HttpError notHeld(MediaResource name) {
        return HttpError.notFound("no " + name.kind().name().toLowerCase(Locale.ROOT)
                + " with that name (not yet written, or no longer held)");
    }

    private static Response playlistResponse(byte[] text) {
        return new Response(200, PLAYLIST_TYPE, text, PLAYLIST_HEADERS);
    }

    private static long timeoutMillis(HlsStream stream) {
        return DeliveryDirectives.blockingTimeoutMillis(stream.config().targetDurationSeconds());
    }

    private HttpError refuse(HlsRefusal reason) {
        refusals.count(reason);
        return new HttpError(403, reason.code(), reason.message());
    }

    private static HttpError notLive(String cameraId) {
        return new HttpError(503, "camera_not_live", "camera '" + cameraId + "' is not live; retry shortly",
                Map.of("Retry-After", RETRY_AFTER_SECONDS));
    }

    private static HttpError unavailable(String message) {
        return new HttpError(503, "hls_not_ready", message, Map.of("Retry-After", RETRY_AFTER_SECONDS));
    }
}
