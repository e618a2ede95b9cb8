package dev.camrelay.hls.playlist;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Test snapshots: 2 s segments of ten 200 ms parts, the first part of each independent; segment {@code m}'s parts are
 * numbered {@code 10m..10m+9} stream-wide.
 */
final class Playlists {

    static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    static final double PART = 0.2;
    static final int PARTS_PER_SEGMENT = 10;

    private Playlists() {
    }

    static List<PartInfo> parts(int count) {
        List<PartInfo> parts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            parts.add(new PartInfo(i, PART, i == 0));
        }
        return parts;
    }

    static SegmentInfo complete(long msn, long epoch) {
        return new SegmentInfo(msn, epoch, T0.plusMillis(2000 * msn), 2.0, parts(PARTS_PER_SEGMENT), true,
                msn * PARTS_PER_SEGMENT);
    }

    static SegmentInfo inProgress(long msn, long epoch, int parts) {
        return SegmentInfo.inProgress(msn, epoch, T0.plusMillis(2000 * msn), parts(parts), msn * PARTS_PER_SEGMENT);
    }

    /** Complete segments {@code first..first+count-1} of epoch 1, then segment {@code first+count} with parts. */
    static MediaPlaylistSnapshot live(long first, int count, int currentParts, List<RenditionReport> reports) {
        List<SegmentInfo> segments = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            segments.add(complete(first + i, 1));
        }
        segments.add(inProgress(first + count, 1, currentParts));
        return new MediaPlaylistSnapshot(2, PART, 0, segments, false, reports);
    }
}
