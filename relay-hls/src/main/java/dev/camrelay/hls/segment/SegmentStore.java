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
 * <p>Bounded: at most {@code playlistSegments + retainedSegments} complete segments, plus the one being written.
 */
public final class SegmentStore {

    /** What readers see: immutable. */
    private record State(List<StoredSegment> segments, Map<Long, byte[]> inits, MediaPlaylistSnapshot playlist,
                         BitrateStats bitrates) {
    }

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
        final int maxComplete = config.playlistSegments() + config.retainedSegments();
        int complete = 0;
        for (StoredSegment s : all) {
            complete += s.complete() ? 1 : 0;
        }
        List<StoredSegment> kept = List.copyOf(all.subList(Math.max(0, complete - maxComplete), all.size()));

        Map<Long, byte[]> inits = new HashMap<>(stateAcquire().inits());
        inits.keySet().removeIf(epoch -> kept.stream().noneMatch(s -> s.epoch() == epoch)
                && (kept.isEmpty() || epoch < kept.get(kept.size() - 1).epoch()));

        MediaPlaylistSnapshot playlist = kept.isEmpty() ? null : playlistOf(kept, ended);
        STATE.setRelease(this, new State(kept, Map.copyOf(inits), playlist, BitrateStats.of(kept)));
        listener.run();
        return kept;
    }

    private MediaPlaylistSnapshot playlistOf(List<StoredSegment> kept, boolean ended) {
        int completeKept = 0;
        for (StoredSegment s : kept) {
            completeKept += s.complete() ? 1 : 0;
        }
        final int first = Math.max(0, completeKept - config.playlistSegments());
        List<SegmentInfo> listed = new ArrayList<>(kept.size() - first);
        for (int i = first; i < kept.size(); i++) {
            listed.add(kept.get(i).toInfo());
        }
        return new MediaPlaylistSnapshot(config.targetDurationSeconds(), config.partTargetSeconds(),
                kept.get(first).discontinuitySequence(), listed, ended, List.of());
    }
}
