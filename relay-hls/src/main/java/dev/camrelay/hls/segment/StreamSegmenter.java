package dev.camrelay.hls.segment;

import dev.camrelay.core.buffer.FrameView;
import dev.camrelay.core.media.StreamFormat;
import dev.camrelay.core.media.TrackFormat;
import dev.camrelay.hls.fmp4.BoxWriter;
import dev.camrelay.hls.fmp4.FragmentWriter;
import dev.camrelay.hls.fmp4.InitSegmentWriter;
import dev.camrelay.hls.fmp4.TrackRun;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.agrona.DirectBuffer;

/**
 * Cuts one stream's frames into LL-HLS parts and segments and publishes them to the stream's {@link SegmentStore}.
 *
 * <p><b>Threading contract:</b> single-threaded; every method is called by the one thread that reads the stream
 * (the stream's HLS muxer agent). Readers of the output use the {@link SegmentStore}.
 *
 * <p>Cutting rules (protocols.md §4.2, §4.6), all on the <em>primary</em> track (video, or the first audio track of an
 * audio-only stream): nothing is stored before the first keyframe; a part ends before the frame that would take it
 * past PART-TARGET (predicting with the last frame interval), where PART-TARGET is the configured one rounded up to a
 * whole number of the stream's frames at its second frame and fixed from then on ({@link PartTarget}); parts that
 * end up shorter than 85 % of it anyway (jittery timestamps, a later epoch's other frame rate) are counted in
 * {@link #shortParts()}; a segment ends before a keyframe once it is at least
 * {@code minSegmentMillis} long, so every segment starts with an IDR, or, if the source's GOP is longer than
 * TARGETDURATION, before the first frame past it (counted in {@link #forcedCuts()}); a stall ends the segment at
 * its last frame ({@link #gaps()}). Other tracks' samples go into
 * whichever part is being written when their successor arrives (a sample's duration is only known then).
 *
 * <p>Per frame, the hot path copies the payload into the track's run and compares timestamps: no allocation. Each
 * finished part is copied once into direct memory of its own ({@link StoredPart}) and makes a new immutable store
 * state.
 */
public final class StreamSegmenter {

    /** {@link #onFrame}: stored. */
    public static final int ACCEPTED = 0;
    /** {@link #onFrame}: a track HLS cannot carry (G.711) or an unknown track index. */
    public static final int DROPPED_UNCARRIED_TRACK = -1;
    /** {@link #onFrame}: before the stream's first keyframe. */
    public static final int DROPPED_BEFORE_KEYFRAME = -2;
    /** {@link #onFrame}: decode time went backwards on its track. */
    public static final int DROPPED_DTS_BACKWARDS = -3;
    /** {@link #onFrame}: after {@link #end()}. */
    public static final int DROPPED_ENDED = -4;

    private static final int INITIAL_FRAGMENT_CAPACITY = 256 * 1024;
    private static final int INITIAL_RUN_CAPACITY = 64 * 1024;

    private final SegmenterConfig config;
    private final SegmentStore store;
    private final PartTarget partTarget;
    private final InstantSource wallClock;
    private final BoxWriter fragment = new BoxWriter(INITIAL_FRAGMENT_CAPACITY);
    private final TrackRun[] runByTrack = new TrackRun[StreamFormat.MAX_TRACKS];
    private final boolean[] videoByTrack = new boolean[StreamFormat.MAX_TRACKS];
    private TrackRun[] runs;
    private List<StoredSegment> segments = new ArrayList<>();

    private long epoch;
    private int primaryTrack;
    private int primaryClock;
    private long minSegmentTicks;
    private long targetTicks;
    private long maxGapTicks;

    private boolean started;
    private boolean ended;
    private long nextMsn;
    private long nextPartNumber;
    private long discontinuities;
    private int sequenceNumber = 1;
    private long segmentStartDts;
    private long partStartDts;
    private long lastPrimaryDts;
    private long lastPrimaryInterval = -1;
    private boolean partIndependent;
    private StoredSegment current;
    private final LiveClock liveClock = new LiveClock();

    private long forcedCuts;
    private long shortParts;
    private long gaps;
    private long dropped;

    /**
     * @param wallClock source of EXT-X-PROGRAM-DATE-TIME: read when a frame arrives live ({@link #onFrame(FrameView,
     *                  boolean)}), and at an epoch's first keyframe while no frame has (see {@link LiveClock})
     */
    public StreamSegmenter(long epoch, StreamFormat format, SegmenterConfig config, SegmentStore store,
                           InstantSource wallClock) {
        this.config = config;
        this.store = store;
        this.wallClock = wallClock;
        this.partTarget = new PartTarget(config.partTargetMillis());
        startEpoch(epoch, format);
    }

    /**
     * Starts a new epoch (the source restarted, maybe with another codec or resolution): the current part and
     * segment are finished, and the next segment, starting at the new epoch's first keyframe, follows an
     * {@code EXT-X-DISCONTINUITY} with the new epoch's {@code EXT-X-MAP} (RFC 8216bis §4.4.4.3).
     */
    public void startEpoch(long newEpoch, StreamFormat format) {
        if (started) {
            finishSegment();
            discontinuities++;
        }
        List<TrackFormat> carried = InitSegmentWriter.carriedTracks(format);
        if (carried.isEmpty()) {
            throw new IllegalArgumentException("no track HLS can carry in epoch " + newEpoch);
        }
        this.epoch = newEpoch;
        Arrays.fill(runByTrack, null);
        Arrays.fill(videoByTrack, false);
        runs = new TrackRun[carried.size()];
        for (int i = 0; i < carried.size(); i++) {
            TrackFormat t = carried.get(i);
            runs[i] = new TrackRun(t.trackId() + 1, INITIAL_RUN_CAPACITY);
            runByTrack[t.trackId()] = runs[i];
            videoByTrack[t.trackId()] = t.codec().isVideo();
        }
        TrackFormat primary = format.video().filter(t -> InitSegmentWriter.canCarry(t.codec()))
                .orElse(carried.get(0));
        primaryTrack = primary.trackId();
        primaryClock = primary.clockRate();
        partTarget.startEpoch(primaryClock, primary.frameRate());
        minSegmentTicks = (long) config.minSegmentMillis() * primaryClock / 1000;
        targetTicks = (long) config.targetDurationSeconds() * primaryClock;
        maxGapTicks = targetTicks / 2;
        started = false;
        lastPrimaryInterval = -1;
        liveClock.reset(primaryClock);
        store.putInit(newEpoch, InitSegmentWriter.toBytes(format));
    }

    /** Convenience for the stream reader's flyweight: a frame read from a backlog. */
    public int onFrame(FrameView frame) {
        return onFrame(frame, false);
    }

    /**
     * The stream reader's flyweight.
     *
     * @param arrivedLive whether the reader got it the moment it was published (it had found the ring empty just
     *                    before): such frames date the media for EXT-X-PROGRAM-DATE-TIME
     */
    public int onFrame(FrameView frame, boolean arrivedLive) {
        if (arrivedLive) {
            arrivedLive(frame.track(), frame.dts());
        }
        return onFrame(frame.track(), frame.pts(), frame.dts(), frame.isKeyframe(), frame.buffer(),
                frame.payloadOffset(), frame.payloadLength());
    }

    /**
     * The frame of {@code track} at {@code dts} was live just now (see {@link #onFrame(FrameView, boolean)}); call it
     * before that frame's {@link #onFrame}. Only the primary track's frames are used; reads the wall clock, no
     * allocation.
     */
    public void arrivedLive(int track, long dts) {
        if (track != primaryTrack || ended) {
            return;
        }
        final long movedMicros = liveClock.sample(dts, wallClock.millis());
        if (movedMicros != 0) {
            redate(movedMicros);
        }
    }

    /**
     * Takes one access unit (payload in the buffer's format: AVCC video, raw audio frames).
     *
     * @return {@link #ACCEPTED} or a negative DROPPED_* status
     */
    public int onFrame(int track, long pts, long dts, boolean keyframe, DirectBuffer buffer, int offset,
                       int length) {
        if (ended) {
            return drop(DROPPED_ENDED);
        }
        final TrackRun run = track >= 0 && track < runByTrack.length ? runByTrack[track] : null;
        if (run == null) {
            return drop(DROPPED_UNCARRIED_TRACK);
        }
        final boolean primary = track == primaryTrack;
        final boolean sync = keyframe || !videoByTrack[track];
        if (!started) {
            if (!primary || !sync) {
                return drop(DROPPED_BEFORE_KEYFRAME);
            }
            startFirstSegment(dts);
        } else if (primary) {
            if (dts < lastPrimaryDts) {
                return drop(DROPPED_DTS_BACKWARDS);
            }
            final long interval = dts - lastPrimaryDts;
            if (interval > maxGapTicks || dts - segmentStartDts > targetTicks) {
                cutAtGap(dts, sync);
            } else {
                cutBefore(dts, sync, interval);
                lastPrimaryInterval = interval;
            }
            lastPrimaryDts = dts;
        }
        if (run.append(dts, pts, sync, buffer, offset, length) != TrackRun.APPENDED) {
            return drop(DROPPED_DTS_BACKWARDS);
        }
        return ACCEPTED;
    }

    /** Finishes the stream: flushes the last part and segment and closes the playlist with EXT-X-ENDLIST. */
    public void end() {
        if (ended) {
            return;
        }
        if (started) {
            finishSegment();
        }
        ended = true;
        segments = publish(segments, true);
    }

    /** Segments cut without a keyframe because the source's GOP exceeded TARGETDURATION. */
    public long forcedCuts() {
        return forcedCuts;
    }

    /**
     * Parts shorter than 85 % of PART-TARGET that were neither independent nor the last of their segment (RFC 8216bis
     * §4.4.4.9 forbids them; they come from frame timing that does not fit the stream's PART-TARGET).
     */
    public long shortParts() {
        return shortParts;
    }

    /** The advertised PART-TARGET in seconds, or 0 before the stream's second frame fixed it. */
    public double partTargetSeconds() {
        return partTarget.seconds();
    }

    /** Source stalls or timestamp jumps that ended a segment early (the media timeline has a gap there). */
    public long gaps() {
        return gaps;
    }

    /** Frames not stored, any reason. */
    public long dropped() {
        return dropped;
    }

    private void startFirstSegment(long dts) {
        started = true;
        liveClock.provisional(dts, wallClock.millis());
        segmentStartDts = dts;
        partStartDts = dts;
        lastPrimaryDts = dts;
        partIndependent = true;
        current = newSegment(dts);
        for (TrackRun r : runs) {
            r.clear();
        }
    }

    private StoredSegment newSegment(long dts) {
        return StoredSegment.start(nextMsn++, epoch, discontinuities,
                Instant.ofEpochMilli(liveClock.wallMillis(dts)), nextPartNumber);
    }

    /**
     * The epoch's first live frame showed its provisional dates off by {@code movedMicros}: its segments so far were
     * dated from a backlog (at most a GOP). They are re-dated before anything else is published, so a player sees
     * them with the corrected dates from the next playlist on.
     */
    private void redate(long movedMicros) {
        List<StoredSegment> next = new ArrayList<>(segments.size());
        for (StoredSegment s : segments) {
            next.add(s.epoch() == epoch ? s.redated(movedMicros) : s);
        }
        segments = next;
        if (current != null) {
            current = current.redated(movedMicros);
        }
    }

    /**
     * Decides, before appending the primary frame at {@code dts}, whether a part and a segment end here.
     *
     * @param interval distance to the previous primary frame: the estimate of this frame's own duration
     */
    private void cutBefore(long dts, boolean sync, long interval) {
        if (dts == partStartDts) {
            return; // the part has no primary sample yet
        }
        if (!partTarget.fixed() && interval > 0) {
            partTarget.fix(interval); // before anything is published: every playlist advertises the same one
            store.fixPartTarget(partTarget.seconds());
        }
        final long partTargetTicks = partTarget.ticks();
        final long segmentLength = dts - segmentStartDts;
        final boolean keyframeCut = sync && segmentLength >= minSegmentTicks;
        final boolean forcedCut = !keyframeCut && segmentLength + interval > targetTicks;
        final boolean newSegment = keyframeCut || forcedCut;
        if (!newSegment && (partTargetTicks == 0 || dts + interval - partStartDts <= partTargetTicks)) {
            return;
        }
        if (!newSegment && !partIndependent && dts - partStartDts < PartTarget.MIN_PART_SHARE * partTargetTicks) {
            shortParts++;
        }
        finishPart(dts);
        if (newSegment) {
            if (forcedCut) {
                forcedCuts++;
            }
            completeCurrent(dts);
            current = newSegment(dts);
            segmentStartDts = dts;
        }
        partIndependent = sync;
        segments = publish(withCurrent(), false);
    }

    /**
     * The source stalled or its timestamps jumped (a primary frame more than half a target duration after the previous
     * one, or a segment that irregular timing pushed past TARGETDURATION): the segment ends where its last frame
     * would have ended, never stretched over the gap, so no EXTINF exceeds the target duration and no media is
     * invented (protocols.md §4.6); the frame after the gap starts a new segment.
     */
    private void cutAtGap(long dts, boolean sync) {
        final long end = lastPrimaryDts + Math.max(0, lastPrimaryInterval);
        for (TrackRun r : runs) {
            r.closeWithLastDuration(0);
        }
        finishPart(end);
        completeCurrent(end);
        current = newSegment(dts);
        segmentStartDts = dts;
        partStartDts = dts;
        partIndependent = sync;
        if (!sync) {
            forcedCuts++;
        }
        gaps++;
        segments = publish(withCurrent(), false);
    }

    /** Writes the fragment of everything closed up to {@code endDts} on the primary track as the next part. */
    private void finishPart(long endDts) {
        runByTrack[primaryTrack].closeAt(endDts);
        fragment.reset();
        if (FragmentWriter.write(fragment, sequenceNumber, runs, runs.length) > 0) {
            sequenceNumber++;
            final double duration = (endDts - partStartDts) / (double) primaryClock;
            current = current.plus(StoredPart.copyOf(current.parts().size(), nextPartNumber++, duration,
                    partIndependent, fragment.buffer(), fragment.position()));
        }
        for (TrackRun r : runs) {
            r.removeClosed();
        }
        partStartDts = endDts;
    }

    private void completeCurrent(long endDts) {
        if (!current.parts().isEmpty()) {
            replaceOrAdd(current.completed((endDts - segmentStartDts) / (double) primaryClock));
        }
    }

    /** Flushes every run (their open samples get their last duration) as a final part, and completes the segment. */
    private void finishSegment() {
        final long end = lastPrimaryDts + Math.max(0, lastPrimaryInterval);
        for (TrackRun r : runs) {
            r.closeWithLastDuration(0);
        }
        finishPart(end);
        completeCurrent(end);
        current = null;
        segments = publish(segments, false);
        started = false;
    }

    /**
     * Publishes to the store. A stream whose first interval was a gap publishes before its PART-TARGET could be
     * rounded to its frames: it keeps the configured one as it is, since a published PART-TARGET never changes.
     */
    private List<StoredSegment> publish(List<StoredSegment> all, boolean end) {
        if (!partTarget.fixed()) {
            partTarget.fixAsConfigured();
            store.fixPartTarget(partTarget.seconds());
        }
        return store.publish(all, end);
    }

    private List<StoredSegment> withCurrent() {
        if (current != null && !current.parts().isEmpty()) {
            replaceOrAdd(current);
        }
        return segments;
    }

    /** The segment list with {@code s} as its last entry (replacing the older copy of the same segment). */
    private void replaceOrAdd(StoredSegment s) {
        List<StoredSegment> next = new ArrayList<>(segments.size() + 1);
        next.addAll(segments);
        if (!next.isEmpty() && next.get(next.size() - 1).msn() == s.msn()) {
            next.set(next.size() - 1, s);
        } else {
            next.add(s);
        }
        segments = next;
    }

    private int drop(int status) {
        dropped++;
        return status;
    }
}
