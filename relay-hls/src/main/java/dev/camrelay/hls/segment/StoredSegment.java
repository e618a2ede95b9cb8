package dev.camrelay.hls.segment;

import dev.camrelay.hls.playlist.PartInfo;
import dev.camrelay.hls.playlist.SegmentInfo;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One segment in a stream's storage: its parts, and whether it is complete. A complete segment's bytes are its parts'
 * bytes in order (itself a valid sequence of fragments), so it is served as a composite of its parts' memory and
 * stored nowhere twice. Immutable; a growing segment is replaced by a new instance with one more part.
 *
 * @param discontinuitySequence epoch changes from the stream's first segment up to this one
 *                              ({@code EXT-X-DISCONTINUITY-SEQUENCE} when it is the first listed)
 * @param complete              whether the segment is finished (and has a URI in the playlist)
 * @param firstPartNumber       the stream-wide number of its part 0
 * @param unlistedNanos         when it left the playlist ({@link System#nanoTime()} clock), or {@link #LISTED}
 */
public record StoredSegment(long msn, long epoch, long discontinuitySequence, Instant programDateTime,
                            double duration, List<StoredPart> parts, boolean complete, long firstPartNumber,
                            long unlistedNanos) {

    /** {@link #unlistedNanos()} of a segment still in the playlist (or not yet in it). */
    static final long LISTED = Long.MIN_VALUE;

    public StoredSegment {
        parts = List.copyOf(parts);
    }

    /** A new, empty segment. */
    static StoredSegment start(long msn, long epoch, long discontinuitySequence, Instant programDateTime,
                               long firstPartNumber) {
        return new StoredSegment(msn, epoch, discontinuitySequence, programDateTime, 0, List.of(), false,
                firstPartNumber, LISTED);
    }

    /** Its parts' bytes in all. */
    public long length() {
        long length = 0;
        for (StoredPart p : parts) {
            length += p.length();
        }
        return length;
    }

    /**
     * The whole segment as one read-only buffer over its parts' memory, holding a reference to each (the caller
     * releases it, as for {@link StoredPart#retainedView()}), or null when incomplete or already let go by the store.
     */
    public ByteBuf retainedView() {
        if (!complete) {
            return null;
        }
        ByteBuf[] views = new ByteBuf[parts.size()];
        for (int i = 0; i < views.length; i++) {
            views[i] = parts.get(i).retainedView();
            if (views[i] == null) {
                for (int j = 0; j < i; j++) {
                    views[j].release();
                }
                return null;
            }
        }
        // takes over the views' references: released together when the response has been written
        return Unpooled.wrappedUnmodifiableBuffer(views);
    }

    boolean listed() {
        return unlistedNanos == LISTED;
    }

    /** A copy with one more part. */
    StoredSegment plus(StoredPart part) {
        List<StoredPart> more = new ArrayList<>(parts.size() + 1);
        more.addAll(parts);
        more.add(part);
        return new StoredSegment(msn, epoch, discontinuitySequence, programDateTime, duration + part.duration(), more,
                false, firstPartNumber, unlistedNanos);
    }

    /**
     * The completed segment.
     *
     * @param exactDuration the duration from timestamps (the sum of the parts' doubles drifts)
     */
    StoredSegment completed(double exactDuration) {
        return new StoredSegment(msn, epoch, discontinuitySequence, programDateTime, exactDuration, parts, true,
                firstPartNumber, unlistedNanos);
    }

    /** A copy that left the playlist at {@code nanos}. */
    StoredSegment unlisted(long nanos) {
        return new StoredSegment(msn, epoch, discontinuitySequence, programDateTime, duration, parts, complete,
                firstPartNumber, nanos);
    }

    /** A copy whose program date time is {@code micros} later (earlier when negative). */
    StoredSegment redated(long micros) {
        return new StoredSegment(msn, epoch, discontinuitySequence, programDateTime.plusNanos(micros * 1000), duration,
                parts, complete, firstPartNumber, unlistedNanos);
    }

    /** Writer, once, when the store drops the segment: lets go of its parts' memory. */
    void release() {
        for (StoredPart p : parts) {
            p.release();
        }
    }

    SegmentInfo toInfo() {
        List<PartInfo> infos = new ArrayList<>(parts.size());
        for (StoredPart p : parts) {
            infos.add(new PartInfo(p.index(), p.duration(), p.independent()));
        }
        return new SegmentInfo(msn, epoch, programDateTime, duration, infos, complete, firstPartNumber);
    }
}
