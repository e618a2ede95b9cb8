package dev.camrelay.hls.segment;

import dev.camrelay.hls.playlist.MediaPlaylistSnapshot;
import dev.camrelay.hls.playlist.SegmentInfo;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One stream's own storage of init sections, parts and segments, and its current playlist snapshot.
 *
 * <p><b>Threading contract:</b> one writer, the stream's {@link StreamSegmenter} thread, calls the package-private
 * publishing methods; any number of reader threads (HTTP handlers) call the public getters concurrently. Every
 * publish replaces one immutable {@link State} with {@code setRelease}, readers load it with {@code getAcquire}, so a
 * reader always sees a consistent set of segments and the playlist made from exactly those. The listener runs on the
 * writer thread after each publish (to wake blocked playlist reloads) and must not block.
 *
 * <p>The playlist lists at least {@code playlistSegments} complete segments and never less than three target
 * durations of them (RFC 8216bis §6.2.2: a segment is not removed if that would leave a playlist shorter than three
 * target durations; with 1 s GOPs and a 4 s target that is twelve segments, not seven), and keeps
 * {@code retainedSegments} more downloadable after they leave it. Bounded: at most {@link #MAX_LISTED_SEGMENTS}
 * listed (a source that makes tiny segments cannot grow the store without limit) plus the retained ones and the one
 * being written.
 */
public final class SegmentStore {

    /** What readers see: immutable. */
    private record State(List<StoredSegment> segments, Map<Long, byte[]> inits, MediaPlaylistSnapshot playlist,
                         BitrateStats bitrates) {
    }

    /**
     * Listed segments at most, whatever their durations: a bound on memory for a source whose stalls cut very short
     * segments (then the playlist may be shorter than three target durations; such a source is broken anyway).
     */
    public static final int MAX_LISTED_SEGMENTS = 64;
    /** Playlist duration below which no segment is removed, in target durations (RFC 8216bis §6.2.2). */
    static final int MIN_PLAYLIST_TARGET_DURATIONS = 3;

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
    @SuppressWarnings("unused") private State state;

    /** @param listener called on the writer thread after every publish; must not block */
    public SegmentStore(SegmenterConfig config, Runnable listener) {
        this.config = config;
        this.listener = listener;
        STATE.setRelease(this, new State(List.of(), Map.of(), null, BitrateStats.NONE));
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
        for (StoredSegment s : stateAcquire().segments()) {
            final long index = partNumber - s.firstPartNumber();
            if (index >= 0 && index < s.parts().size()) {
                return s.epoch() == epoch ? s.parts().get((int) index) : null;
            }
        }
        return null;
    }

    /** A complete segment's bytes, or null. */
    public byte[] segment(long epoch, long msn) {
        StoredSegment s = find(stateAcquire(), epoch, msn);
        return s == null ? null : s.data();
    }

    /** Peak and mean bit rate of the complete segments held, for the multivariant playlist. */
    public BitrateStats bitrates() {
        return stateAcquire().bitrates();
    }

    /** Segments held, complete or not (for metrics and tests). */
    public int segmentCount() {
        return stateAcquire().segments().size();
    }

    private static StoredSegment find(State state, long epoch, long msn) {
        for (StoredSegment s : state.segments()) {
            if (s.msn() == msn) {
                return s.epoch() == epoch ? s : null;
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
                current.bitrates()));
    }

    /**
     * Writer: publishes the segmenter's segments (oldest first, the last possibly incomplete), dropping the oldest
     * beyond the bound, and the playlist made from them.
     *
     * @return the segments kept, for the segmenter to continue from
     */
    List<StoredSegment> publish(List<StoredSegment> all, boolean ended) {
        final int firstListed = firstListed(all);
        List<StoredSegment> kept = List.copyOf(all.subList(Math.max(0, firstListed - config.retainedSegments()),
                all.size()));

        Map<Long, byte[]> inits = new HashMap<>(stateAcquire().inits());
        inits.keySet().removeIf(epoch -> kept.stream().noneMatch(s -> s.epoch() == epoch)
                && (kept.isEmpty() || epoch < kept.get(kept.size() - 1).epoch()));

        MediaPlaylistSnapshot playlist = kept.isEmpty() ? null
                : playlistOf(kept.subList(kept.size() - (all.size() - firstListed), kept.size()), ended);
        STATE.setRelease(this, new State(kept, Map.copyOf(inits), playlist, BitrateStats.of(kept)));
        listener.run();
        return kept;
    }

    /**
     * Where the playlist starts in {@code all} (oldest first, the last possibly incomplete): the newest complete
     * segments that are at least {@code playlistSegments} in number and three target durations long, at most
     * {@link #MAX_LISTED_SEGMENTS}.
     */
    private int firstListed(List<StoredSegment> all) {
        final double minDuration = (double) MIN_PLAYLIST_TARGET_DURATIONS * config.targetDurationSeconds();
        int listed = 0;
        double duration = 0;
        int first = all.size();
        for (int i = all.size() - 1; i >= 0; i--) {
            StoredSegment s = all.get(i);
            if (s.complete()) {
                if ((listed >= config.playlistSegments() && duration >= minDuration)
                        || listed == MAX_LISTED_SEGMENTS) {
                    break;
                }
                listed++;
                duration += s.duration();
            }
            first = i;
        }
        return first;
    }

    private MediaPlaylistSnapshot playlistOf(List<StoredSegment> listed, boolean ended) {
        List<SegmentInfo> infos = new ArrayList<>(listed.size());
        for (StoredSegment s : listed) {
            infos.add(s.toInfo());
        }
        return new MediaPlaylistSnapshot(config.targetDurationSeconds(), config.partTargetSeconds(),
                listed.get(0).discontinuitySequence(), infos, ended, List.of());
    }
}
