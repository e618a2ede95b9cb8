package dev.camrelay.hls.playlist;

import java.util.List;

/**
 * Immutable state of one rendition's media playlist at an instant: what {@link MediaPlaylistRenderer} renders and
 * what blocking playlist reloads wait on. Built by the segmenter each time a part or segment completes.
 *
 * @param targetDuration        {@code EXT-X-TARGETDURATION} in whole seconds; fixed for the stream's life
 * @param partTarget            {@code PART-TARGET} in seconds; fixed for the stream's life
 * @param discontinuitySequence {@code EXT-X-DISCONTINUITY-SEQUENCE}: discontinuities before the first segment
 * @param segments              oldest first; only the last may be incomplete; Media Sequence Numbers consecutive
 * @param ended                 whether {@code EXT-X-ENDLIST} closes the playlist (no preload hint then)
 * @param renditionReports      one per other rendition
 */
public record MediaPlaylistSnapshot(int targetDuration, double partTarget, long discontinuitySequence,
                                    List<SegmentInfo> segments, boolean ended,
                                    List<RenditionReport> renditionReports) {

    public MediaPlaylistSnapshot {
        segments = List.copyOf(segments);
        renditionReports = List.copyOf(renditionReports);
        if (targetDuration < 1 || !(partTarget > 0) || partTarget > targetDuration) {
            throw new IllegalArgumentException("target " + targetDuration + " s, part target " + partTarget + " s");
        }
        for (int i = 0; i < segments.size(); i++) {
            SegmentInfo s = segments.get(i);
            if (i > 0 && s.msn() != segments.get(i - 1).msn() + 1) {
                throw new IllegalArgumentException("media sequence numbers not consecutive at " + s.msn());
            }
            if (!s.complete() && i != segments.size() - 1) {
                throw new IllegalArgumentException("only the last segment may be incomplete: " + s.msn());
            }
            if (s.complete() && Math.round(s.duration()) > targetDuration) {
                throw new IllegalArgumentException("segment " + s.msn() + " lasts " + s.duration()
                        + " s, over the target duration " + targetDuration + " s (RFC 8216bis §4.4.3.1)");
            }
        }
    }

    /** The same playlist with other renditions' reports (the server adds them; the segmenter knows one stream). */
    public MediaPlaylistSnapshot withRenditionReports(List<RenditionReport> reports) {
        return new MediaPlaylistSnapshot(targetDuration, partTarget, discontinuitySequence, segments, ended, reports);
    }

    /**
     * The playlist as a playback bound to {@code epoch} may see it: without the leading segments of older epochs,
     * whose names that playback would be refused (a player that joined after a camera restart must not be sent to
     * the old epoch's media, which a plain-HLS player starting a few segments back would otherwise ask for). The
     * media sequence follows the first segment kept, and the discontinuity sequence counts the epoch changes left
     * out (RFC 8216bis §4.4.3.3); {@code this} when nothing is older.
     */
    public MediaPlaylistSnapshot fromEpoch(long epoch) {
        int first = 0;
        long discontinuities = discontinuitySequence;
        while (first < segments.size() && segments.get(first).epoch() < epoch) {
            first++;
            if (first < segments.size() && segments.get(first).epoch() != segments.get(first - 1).epoch()) {
                discontinuities++;
            }
        }
        return first == 0 ? this : new MediaPlaylistSnapshot(targetDuration, partTarget, discontinuities,
                segments.subList(first, segments.size()), ended, renditionReports);
    }

    /** {@code EXT-X-MEDIA-SEQUENCE}: the first segment's number (0 while empty). */
    public long mediaSequence() {
        return segments.isEmpty() ? 0 : segments.get(0).msn();
    }

    /** The Media Sequence Number of the last segment that has a part or is complete, or -1 if none. */
    public long lastMsn() {
        for (int i = segments.size() - 1; i >= 0; i--) {
            SegmentInfo s = segments.get(i);
            if (s.complete() || !s.parts().isEmpty()) {
                return s.msn();
            }
        }
        return -1;
    }

    /** The last part index of {@link #lastMsn()}'s segment, or -1 if it has no parts. */
    public int lastPart() {
        for (int i = segments.size() - 1; i >= 0; i--) {
            SegmentInfo s = segments.get(i);
            if (s.complete() || !s.parts().isEmpty()) {
                return s.parts().size() - 1;
            }
        }
        return -1;
    }

    /** The stream-wide number of the next part to come (the preload hint's), or -1 while there are no segments. */
    public long nextPartNumber() {
        return segments.isEmpty() ? -1 : segments.get(segments.size() - 1).nextPartNumber();
    }

    /**
     * Whether a player can start from this playlist: it lists a complete segment, or it has ended. A live playlist of
     * parts only has no segment a player could begin with (hls.js reports it as {@code levelEmptyError}, retries and
     * starts late), so the server holds a player's first playlist request until this holds.
     */
    public boolean playable() {
        if (ended) {
            return true;
        }
        for (SegmentInfo s : segments) {
            if (s.complete()) {
                return true;
            }
        }
        return false;
    }

    /** The segment being written, or null if every listed segment is complete. */
    public SegmentInfo current() {
        return segments.isEmpty() || segments.get(segments.size() - 1).complete() ? null
                : segments.get(segments.size() - 1);
    }

    /**
     * The stream-wide number of the part whose publication answers a blocking reload for
     * {@code _HLS_msn=msn[&_HLS_part=part]}: that part; part 0 of the next segment for a part past a complete
     * segment's last (§6.2.5.2); without a part, the last part of segment {@code msn}, whose publication completes it.
     * -1 when this playlist does not have it.
     *
     * @param part the part index, or -1 if the request has none
     */
    public long awaitedPartNumber(long msn, int part) {
        for (SegmentInfo s : segments) {
            if (s.msn() != msn) {
                continue;
            }
            if (part < 0) {
                return s.complete() && !s.parts().isEmpty() ? s.nextPartNumber() - 1 : -1;
            }
            if (part < s.parts().size()) {
                return s.firstPartNumber() + part;
            }
            return s.complete() ? awaitedPartNumber(msn + 1, 0) : -1;
        }
        return -1;
    }

    /**
     * Whether a blocking reload for {@code _HLS_msn=msn[&_HLS_part=part]} can be answered (RFC 8216bis §6.2.5.2):
     * without a part, segment {@code msn} must be complete; with one, that part must exist, where a part past a
     * complete segment's last part means part 0 of the next segment.
     *
     * @param part the part index, or -1 if the request has none
     */
    public boolean satisfies(long msn, int part) {
        if (ended || (!segments.isEmpty() && msn < mediaSequence())) {
            return true; // nothing more will come, or that media has already left the playlist
        }
        for (SegmentInfo s : segments) {
            if (s.msn() != msn) {
                continue;
            }
            if (part < 0) {
                return s.complete();
            }
            if (part < s.parts().size()) {
                return true;
            }
            // a part past a complete segment's last part means the next segment's part 0
            return s.complete() && satisfies(msn + 1, 0);
        }
        return false;
    }
}
