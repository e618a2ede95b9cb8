package dev.camrelay.hls.segment;

import dev.camrelay.hls.playlist.MediaPlaylistSnapshot;
import dev.camrelay.hls.playlist.SegmentInfo;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One stream's own storage of init sections, parts and segments, and its current playlist snapshot.
 *
 * <p><b>Threading contract:</b> one writer, the stream's {@link StreamSegmenter} thread, calls the package-private
 * publishing methods and {@link #close()}; any number of reader threads (HTTP handlers) call the public getters
 * concurrently. Every publish replaces one immutable {@link State} with {@code setRelease}, readers load it with
 * {@code getAcquire}, so a reader always sees a consistent set of segments and the playlist made from exactly those.
 * The listener runs on the writer thread after each publish (to wake blocked playlist reloads) and must not block.
 * Part memory a reader found in a state the writer has since dropped may be gone: {@link StoredPart#retainedView()}
 * then says so (null), never shows freed memory.
 *
 * <p><b>What is listed:</b> at least {@code playlistSegments} complete segments and never less than three target
 * durations of them (RFC 8216bis §6.2.2: a segment is not removed if that would leave a playlist shorter than three
 * target durations; with 1 s GOPs and a 4 s target that is twelve segments, not seven).
 *
 * <p><b>What stays downloadable after leaving the playlist:</b> a removed segment (and its parts) stays for
 * {@link #RETAINED_TARGET_DURATIONS} target durations, and at least its own duration plus that of the longest playlist
 * published (RFC 8216bis §6.2.2: "available to clients for a period of time equal to the duration of the segment plus
 * the duration of the longest Playlist file distributed by the server containing that segment"), by the writer's
 * clock at each publish: about 14 s for 1 s segments under a 4 s target.
 *
 * <p><b>Bounded memory per stream:</b> at most {@link #MAX_LISTED_SEGMENTS} listed and {@link #MAX_RETAINED_SEGMENTS}
 * removed segments, and at most {@link #MAX_STORE_BYTES} of complete segments in all (removed ones go first; a source
 * so fast that the listed ones alone pass it gets a shorter playlist), plus the segment being written, which is at
 * most one TARGETDURATION of media. The demo camera (about 0.6 Mbit/s) holds about 2 MB.
 */
public final class SegmentStore implements AutoCloseable {

    /** What readers see: immutable. */
    private record State(List<StoredSegment> segments, Map<Long, byte[]> inits, MediaPlaylistSnapshot playlist,
                         BitrateStats bitrates, long heldBytes) {
    }

    /**
     * Listed segments at most, whatever their durations: a bound on memory for a source whose stalls cut very short
     * segments (then the playlist may be shorter than three target durations; such a source is broken anyway).
     */
    public static final int MAX_LISTED_SEGMENTS = 64;
    /** Removed segments kept downloadable at most, however short (the same reasoning). */
    public static final int MAX_RETAINED_SEGMENTS = 64;
    /** Bytes of complete segments held at most, listed and removed together (128 MiB: 40 s of a 25 Mbit/s camera). */
    public static final long MAX_STORE_BYTES = 128L << 20;
    /** Playlist duration below which no segment is removed, in target durations (RFC 8216bis §6.2.2). */
    static final int MIN_PLAYLIST_TARGET_DURATIONS = 3;
    /** How long a removed segment stays downloadable at least, in target durations (protocols.md §4.2, §6.2.2). */
    static final int RETAINED_TARGET_DURATIONS = 3;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(SegmentStore.class, "state", State.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final SegmenterConfig config;
    private final Runnable listener;
    private final LongSupplier nanoClock;
    @SuppressWarnings("unused") private State state;
    /** Writer only: the advertised PART-TARGET, fixed by the segmenter from the stream's first frames. */
    private double partTargetSeconds;
    /** Writer only: the longest listed duration published so far (for the retention rule). */
    private double longestPlaylistSeconds;
    /** Writer only. */
    private boolean closed;

    /** @param listener called on the writer thread after every publish; must not block */
    public SegmentStore(SegmenterConfig config, Runnable listener) {
        this(config, listener, System::nanoTime);
    }

    /** @param nanoClock the writer's clock for retention and publish times ({@link System#nanoTime()} in production) */
    public SegmentStore(SegmenterConfig config, Runnable listener, LongSupplier nanoClock) {
        this.config = config;
        this.listener = listener;
        this.nanoClock = nanoClock;
        this.partTargetSeconds = config.partTargetSeconds();
        STATE.setRelease(this, new State(List.of(), Map.of(), null, BitrateStats.NONE, 0));
    }

    private State stateAcquire() {
        return (State) STATE.getAcquire(this);
    }

    /** The playlist as of the last publish, or null before the first part exists. */
    public MediaPlaylistSnapshot playlist() {
        return stateAcquire().playlist();
    }

    /** The init section of an epoch still referenced by stored media, or null. */
    public byte[] init(long epoch) {
        return stateAcquire().inits().get(epoch);
    }

    /** A stored part by its epoch and stream-wide number, or null (unknown, not yet written, or dropped). */
    public StoredPart part(long epoch, long partNumber) {
        StoredSegment s = segmentOfPart(stateAcquire(), partNumber);
        return s == null || s.epoch() != epoch ? null : s.parts().get((int) (partNumber - s.firstPartNumber()));
    }

    /**
     * When the part of this stream-wide number was published ({@link StoredPart#publishedNanos()}), or
     * {@link StoredPart#NOT_PUBLISHED} when it is not held.
     */
    public long publishedNanos(long partNumber) {
        StoredSegment s = segmentOfPart(stateAcquire(), partNumber);
        return s == null ? StoredPart.NOT_PUBLISHED
                : s.parts().get((int) (partNumber - s.firstPartNumber())).publishedNanos();
    }

    /** A complete segment, or null. Serve it with {@link StoredSegment#retainedView()}. */
    public StoredSegment segment(long epoch, long msn) {
        for (StoredSegment s : stateAcquire().segments()) {
            if (s.msn() == msn) {
                return s.epoch() == epoch && s.complete() ? s : null;
            }
        }
        return null;
    }

    /** Peak and mean bit rate of the complete segments held, for the multivariant playlist. */
    public BitrateStats bitrates() {
        return stateAcquire().bitrates();
    }

    /** Segments held, complete or not (for metrics and tests). */
    public int segmentCount() {
        return stateAcquire().segments().size();
    }

    /** Bytes of media held, parts of the segment being written included (for metrics and tests). */
    public long heldBytes() {
        return stateAcquire().heldBytes();
    }

    private static StoredSegment segmentOfPart(State state, long partNumber) {
        for (StoredSegment s : state.segments()) {
            final long index = partNumber - s.firstPartNumber();
            if (index >= 0 && index < s.parts().size()) {
                return s;
            }
        }
        return null;
    }

    /** Writer: makes an epoch's init section available before its first part is published. */
    void putInit(long epoch, byte[] init) {
        State current = stateAcquire();
        Map<Long, byte[]> inits = new HashMap<>(current.inits());
        inits.put(epoch, init);
        STATE.setRelease(this, new State(current.segments(), Map.copyOf(inits), current.playlist(),
                current.bitrates(), current.heldBytes()));
    }

    /** Writer, once, before the first publish: the PART-TARGET every playlist of this stream advertises. */
    void fixPartTarget(double seconds) {
        partTargetSeconds = seconds;
    }

    /**
     * Writer: publishes the segmenter's segments (oldest first, the last possibly incomplete) and the playlist made
     * from them; segments removed from the playlist stay downloadable as the class comment says, and those past it are
     * dropped and their memory let go.
     *
     * @return the segments kept, for the segmenter to continue from
     */
    List<StoredSegment> publish(List<StoredSegment> all, boolean ended) {
        if (closed) {
            releaseUnpublished(all); // a misuse, but no leak: what was published, close() let go of already
            return List.of();
        }
        final long now = nanoClock.getAsLong();
        final int firstListed = firstListed(all);
        final int firstKept = firstRetained(all, firstListed, now);
        List<StoredSegment> kept = new ArrayList<>(all.size() - firstKept);
        long heldBytes = 0;
        for (int i = firstKept; i < all.size(); i++) {
            StoredSegment s = all.get(i);
            kept.add(i < firstListed && s.listed() ? s.unlisted(now) : s);
            heldBytes += s.length();
        }
        stampNewParts(kept, now);

        Map<Long, byte[]> inits = new HashMap<>(stateAcquire().inits());
        inits.keySet().removeIf(epoch -> kept.stream().noneMatch(s -> s.epoch() == epoch)
                && (kept.isEmpty() || epoch < kept.get(kept.size() - 1).epoch()));

        MediaPlaylistSnapshot playlist = kept.isEmpty() ? null
                : playlistOf(kept.subList(firstListed - firstKept, kept.size()), ended);
        STATE.setRelease(this, new State(List.copyOf(kept), Map.copyOf(inits), playlist, BitrateStats.of(kept),
                heldBytes));
        for (int i = 0; i < firstKept; i++) {
            all.get(i).release(); // after the new state: readers of the old one get null views, never freed memory
        }
        listener.run();
        return kept;
    }

    /**
     * Writer (or anyone once the writer has stopped): drops every segment and lets go of their memory; the last
     * playlist stays, so held reloads can still be answered, but its media is no longer served. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        State last = stateAcquire();
        STATE.setRelease(this, new State(List.of(), Map.of(), last.playlist(), BitrateStats.NONE, 0));
        last.segments().forEach(StoredSegment::release);
    }

    /**
     * Where the playlist starts in {@code all} (oldest first, the last possibly incomplete): the newest complete
     * segments that are at least {@code playlistSegments} in number and three target durations long, at most
     * {@link #MAX_LISTED_SEGMENTS} and {@link #MAX_STORE_BYTES} (but always one).
     */
    private int firstListed(List<StoredSegment> all) {
        final double minDuration = (double) MIN_PLAYLIST_TARGET_DURATIONS * config.targetDurationSeconds();
        int listed = 0;
        double duration = 0;
        long bytes = 0;
        int first = all.size();
        for (int i = all.size() - 1; i >= 0; i--) {
            StoredSegment s = all.get(i);
            if (s.complete()) {
                if ((listed >= config.playlistSegments() && duration >= minDuration)
                        || listed == MAX_LISTED_SEGMENTS || (listed > 0 && bytes + s.length() > MAX_STORE_BYTES)) {
                    break;
                }
                listed++;
                duration += s.duration();
                bytes += s.length();
            }
            first = i;
        }
        longestPlaylistSeconds = Math.max(longestPlaylistSeconds, duration);
        return first;
    }

    /**
     * Where the segments kept start: the removed ones (before {@code firstListed}), newest first, while each is still
     * within its retention time and the counts and bytes stay within bounds.
     */
    private int firstRetained(List<StoredSegment> all, int firstListed, long now) {
        long bytes = 0;
        for (int i = firstListed; i < all.size(); i++) {
            bytes += all.get(i).complete() ? all.get(i).length() : 0;
        }
        int first = firstListed;
        for (int i = firstListed - 1; i >= 0 && firstListed - i <= MAX_RETAINED_SEGMENTS; i--) {
            StoredSegment s = all.get(i);
            final long since = s.listed() ? 0 : now - s.unlistedNanos();
            if (since >= retentionNanos(s) || bytes + s.length() > MAX_STORE_BYTES) {
                break;
            }
            bytes += s.length();
            first = i;
        }
        return first;
    }

    /** How long {@code s} stays downloadable once removed (class comment). */
    private long retentionNanos(StoredSegment s) {
        final double seconds = Math.max((double) RETAINED_TARGET_DURATIONS * config.targetDurationSeconds(),
                s.duration() + longestPlaylistSeconds);
        return (long) (seconds * TimeUnit.SECONDS.toNanos(1));
    }

    private static void releaseUnpublished(List<StoredSegment> all) {
        for (StoredSegment s : all) {
            for (StoredPart p : s.parts()) {
                if (p.publishedNanos() == StoredPart.NOT_PUBLISHED) {
                    p.release();
                }
            }
        }
    }

    /** Stamps the parts this publish makes visible (the newest ones, at the end of the last segments). */
    private static void stampNewParts(List<StoredSegment> kept, long now) {
        for (int i = kept.size() - 1; i >= 0; i--) {
            List<StoredPart> parts = kept.get(i).parts();
            for (int j = parts.size() - 1; j >= 0; j--) {
                if (parts.get(j).publishedNanos() != StoredPart.NOT_PUBLISHED) {
                    return;
                }
                parts.get(j).stampPublished(now);
            }
        }
    }

    private MediaPlaylistSnapshot playlistOf(List<StoredSegment> listed, boolean ended) {
        List<SegmentInfo> infos = new ArrayList<>(listed.size());
        for (StoredSegment s : listed) {
            infos.add(s.toInfo());
        }
        return new MediaPlaylistSnapshot(config.targetDurationSeconds(), partTargetSeconds,
                listed.get(0).discontinuitySequence(), infos, ended, List.of());
    }
}
