package dev.camrelay.hls.segment;

import dev.camrelay.hls.playlist.PartInfo;
import dev.camrelay.hls.playlist.SegmentInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One segment in a stream's storage: its parts, and once complete the whole segment's bytes (the concatenation of
 * its parts, which is itself a valid sequence of fragments). Immutable; a growing segment is replaced by a new
 * instance with one more part.
 *
 * @param discontinuitySequence epoch changes from the stream's first segment up to this one
 *                              ({@code EXT-X-DISCONTINUITY-SEQUENCE} when it is the first listed)
 * @param data                  the segment bytes when complete, else null
 * @param firstPartNumber       the stream-wide number of its part 0
 */
public record StoredSegment(long msn, long epoch, long discontinuitySequence, Instant programDateTime,
                            double duration, List<StoredPart> parts, byte[] data, long firstPartNumber) {

    public StoredSegment {
        parts = List.copyOf(parts);
    }

    public boolean complete() {
        return data != null;
    }

    /** A copy with one more part. */
    StoredSegment plus(StoredPart part) {
        List<StoredPart> more = new ArrayList<>(parts.size() + 1);
        more.addAll(parts);
        more.add(part);
        return new StoredSegment(msn, epoch, discontinuitySequence, programDateTime, duration + part.duration(), more,
                null, firstPartNumber);
    }

    /**
     * The completed segment: its bytes are its parts' bytes in order.
     *
     * @param exactDuration the duration from timestamps (the sum of the parts' doubles drifts)
     */
    StoredSegment completed(double exactDuration) {
        int length = 0;
        for (StoredPart p : parts) {
            length += p.data().length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (StoredPart p : parts) {
            System.arraycopy(p.data(), 0, all, at, p.data().length);
            at += p.data().length;
        }
        return new StoredSegment(msn, epoch, discontinuitySequence, programDateTime, exactDuration, parts, all,
                firstPartNumber);
    }

    /** A copy whose program date time is {@code micros} later (earlier when negative). */
    StoredSegment redated(long micros) {
        return new StoredSegment(msn, epoch, discontinuitySequence, programDateTime.plusNanos(micros * 1000), duration,
                parts, data, firstPartNumber);
    }

    SegmentInfo toInfo() {
        List<PartInfo> infos = parts.stream().map(p -> new PartInfo(p.index(), p.duration(), p.independent()))
                .toList();
        return new SegmentInfo(msn, epoch, programDateTime, duration, infos, complete(),
                firstPartNumber);
    }
}
