package dev.camrelay.hls.playlist;

import java.time.Instant;
import java.util.List;

/**
 * One Media Segment as the playlist shows it: either complete ({@code EXTINF} and URI) or the segment still being
 * written, of which only its parts appear.
 *
 * @param msn             Media Sequence Number
 * @param epoch           the stream epoch whose init section ({@code EXT-X-MAP}) the segment needs; a change of epoch
 *                        between neighbours is a discontinuity (RFC 8216bis §4.4.4.3)
 * @param programDateTime wall-clock time of the first sample ({@code EXT-X-PROGRAM-DATE-TIME}, §4.4.4.6)
 * @param duration        seconds; for an incomplete segment, the sum of its parts so far
 * @param parts           its parts in order (may be empty for a segment published without parts)
 * @param complete        whether the segment is finished and has a URI
 * @param firstPartNumber the stream-wide number of its part 0 (parts are numbered consecutively across segments,
 *                        {@link HlsUris#part}); part {@code i} is {@code firstPartNumber + i}
 */
public record SegmentInfo(long msn, long epoch, Instant programDateTime, double duration, List<PartInfo> parts,
                          boolean complete, long firstPartNumber) {

    public SegmentInfo {
        parts = List.copyOf(parts);
        if (msn < 0 || epoch <= 0 || !(duration >= 0) || firstPartNumber < 0) {
            throw new IllegalArgumentException("bad segment msn=" + msn + " epoch=" + epoch + " dur=" + duration);
        }
        for (int i = 0; i < parts.size(); i++) {
            if (parts.get(i).index() != i) {
                throw new IllegalArgumentException("part " + i + " of segment " + msn + " has index "
                        + parts.get(i).index());
            }
        }
    }

    /** An incomplete segment whose duration is the sum of its parts. */
    public static SegmentInfo inProgress(long msn, long epoch, Instant programDateTime, List<PartInfo> parts,
                                         long firstPartNumber) {
        return new SegmentInfo(msn, epoch, programDateTime, parts.stream().mapToDouble(PartInfo::duration).sum(),
                parts, false, firstPartNumber);
    }

    /** The stream-wide number the part after this segment's last one gets. */
    public long nextPartNumber() {
        return firstPartNumber + parts.size();
    }
}
