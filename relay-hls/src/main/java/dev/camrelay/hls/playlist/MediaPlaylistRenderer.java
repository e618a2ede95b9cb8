package dev.camrelay.hls.playlist;

import static dev.camrelay.hls.playlist.PlaylistTags.decimal;

import java.util.List;

/**
 * Renders a Low-Latency HLS media playlist (draft-pantos-hls-rfc8216bis) from a {@link MediaPlaylistSnapshot}: a pure
 * function, safe from any thread. Output, in order: the header with {@code EXT-X-SERVER-CONTROL}
 * (CAN-BLOCK-RELOAD, PART-HOLD-BACK = 3x PART-TARGET, CAN-SKIP-UNTIL = 6x TARGETDURATION) and {@code EXT-X-PART-INF};
 * for a delta update, {@code EXT-X-SKIP} instead of the oldest segments; then each segment with an
 * {@code EXT-X-MAP} wherever its epoch differs from the previous one (after an {@code EXT-X-DISCONTINUITY}),
 * {@code EXT-X-PROGRAM-DATE-TIME}, its {@code EXT-X-PART}s if it lies within 3 target durations of the end, and
 * {@code EXTINF} + URI when complete; exactly one {@code EXT-X-PRELOAD-HINT} for the next part unless ended; and the
 * rendition reports. Players without LL-HLS support ignore the tags they do not know and play the segments.
 */
public final class MediaPlaylistRenderer {

    private MediaPlaylistRenderer() {
    }

    /** The full playlist. */
    public static String render(MediaPlaylistSnapshot snapshot) {
        return render(snapshot, false);
    }

    /**
     * @param deltaUpdate whether the client asked for {@code _HLS_skip=YES|v2}: segments entirely older than
     *                    CAN-SKIP-UNTIL before the playlist end are replaced by {@code EXT-X-SKIP} (§6.2.5.1)
     */
    public static String render(MediaPlaylistSnapshot snapshot, boolean deltaUpdate) {
        final List<SegmentInfo> segments = snapshot.segments();
        final int target = snapshot.targetDuration();
        final double canSkipUntil = (double) PlaylistTags.CAN_SKIP_UNTIL_TARGET_DURATIONS * target;
        final int skipped = deltaUpdate ? skippableSegments(segments, canSkipUntil) : 0;
        final double partWindowStart = totalDuration(segments)
                - (double) PlaylistTags.PART_WINDOW_TARGET_DURATIONS * target;

        StringBuilder sb = new StringBuilder(256 + 160 * segments.size());
        sb.append(PlaylistTags.EXTM3U).append('\n');
        sb.append(PlaylistTags.VERSION_TAG).append(PlaylistTags.VERSION).append('\n');
        sb.append(PlaylistTags.INDEPENDENT_SEGMENTS).append('\n');
        sb.append(PlaylistTags.TARGETDURATION).append(target).append('\n');
        sb.append(PlaylistTags.SERVER_CONTROL).append("CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=");
        decimal(sb, canSkipUntil).append(",PART-HOLD-BACK=");
        decimal(sb, PlaylistTags.PART_HOLD_BACK_PART_TARGETS * snapshot.partTarget()).append('\n');
        decimal(sb.append(PlaylistTags.PART_INF), snapshot.partTarget()).append('\n');
        sb.append(PlaylistTags.MEDIA_SEQUENCE).append(snapshot.mediaSequence()).append('\n');
        sb.append(PlaylistTags.DISCONTINUITY_SEQUENCE).append(snapshot.discontinuitySequence()).append('\n');
        if (skipped > 0) {
            sb.append(PlaylistTags.SKIP).append(skipped).append('\n');
        }

        double start = 0;
        for (int i = 0; i < skipped; i++) {
            start += segments.get(i).duration();
        }
        for (int i = skipped; i < segments.size(); i++) {
            final SegmentInfo s = segments.get(i);
            if (i == skipped || s.epoch() != segments.get(i - 1).epoch()) {
                if (i > 0 && s.epoch() != segments.get(i - 1).epoch()) {
                    sb.append(PlaylistTags.DISCONTINUITY).append('\n');
                }
                sb.append(PlaylistTags.MAP).append(HlsUris.init(s.epoch())).append("\"\n");
            }
            sb.append(PlaylistTags.PROGRAM_DATE_TIME).append(PlaylistTags.dateTime(s.programDateTime())).append('\n');
            if (start + s.duration() > partWindowStart || !s.complete()) {
                for (PartInfo p : s.parts()) {
                    decimal(sb.append(PlaylistTags.PART), p.duration()).append(",URI=\"")
                            .append(HlsUris.part(s.epoch(), s.firstPartNumber() + p.index())).append('"');
                    if (p.independent()) {
                        sb.append(",INDEPENDENT=YES");
                    }
                    sb.append('\n');
                }
            }
            if (s.complete()) {
                decimal(sb.append(PlaylistTags.EXTINF), s.duration()).append(",\n");
                sb.append(HlsUris.segment(s.epoch(), s.msn())).append('\n');
            }
            start += s.duration();
        }

        if (snapshot.ended()) {
            sb.append(PlaylistTags.ENDLIST).append('\n');
        } else {
            appendPreloadHint(sb, snapshot);
        }
        for (RenditionReport r : snapshot.renditionReports()) {
            sb.append(PlaylistTags.RENDITION_REPORT).append(r.uri()).append("\",LAST-MSN=").append(r.lastMsn());
            if (r.lastPart() >= 0) {
                sb.append(",LAST-PART=").append(r.lastPart());
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * The hint names the next part by its stream-wide number, which it keeps whether or not a keyframe makes it
     * part 0 of a new segment (§4.4.5.3: the hinted resource must become the next part).
     */
    private static void appendPreloadHint(StringBuilder sb, MediaPlaylistSnapshot snapshot) {
        final List<SegmentInfo> segments = snapshot.segments();
        if (segments.isEmpty()) {
            return;
        }
        final SegmentInfo last = segments.get(segments.size() - 1);
        sb.append(PlaylistTags.PRELOAD_HINT).append(HlsUris.part(last.epoch(), last.nextPartNumber())).append("\"\n");
    }

    /** Leading complete segments that end more than {@code canSkipUntil} seconds before the playlist's end. */
    static int skippableSegments(List<SegmentInfo> segments, double canSkipUntil) {
        final double boundary = totalDuration(segments) - canSkipUntil;
        double end = 0;
        int n = 0;
        for (SegmentInfo s : segments) {
            end += s.duration();
            if (!s.complete() || end > boundary) {
                break;
            }
            n++;
        }
        return n;
    }

    private static double totalDuration(List<SegmentInfo> segments) {
        double total = 0;
        for (SegmentInfo s : segments) {
            total += s.duration();
        }
        return total;
    }
}
