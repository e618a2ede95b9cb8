package dev.camrelay.hls.segment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.camrelay.core.media.Codec;
import dev.camrelay.core.media.StreamFormat;
import dev.camrelay.core.media.TrackFormat;
import dev.camrelay.hls.playlist.MediaPlaylistRenderer;
import dev.camrelay.hls.playlist.MediaPlaylistSnapshot;
import dev.camrelay.hls.playlist.PartInfo;
import dev.camrelay.hls.playlist.SegmentInfo;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StreamSegmenterTest {

    private static final byte[] SPS = {0x67, 0x64, 0x00, 0x1f, (byte) 0xac};
    private static final byte[] PPS = {0x68, (byte) 0xeb};
    private static final StreamFormat FORMAT = new StreamFormat(List.of(
            TrackFormat.video(0, Codec.H264, "", "", 320, 240, 25, List.of(SPS, PPS)),
            TrackFormat.audio(1, Codec.AAC, 48_000, 2, List.of(new byte[] {0x11, (byte) 0x90}))));
    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    private static final int FRAME = 3600; // 25 fps at 90 kHz
    private static final int AAC_FRAME = 1024;

    private final AtomicInteger publishes = new AtomicInteger();
    /** The store's clock: the media time of the frame being fed, as for a live camera. */
    private final AtomicLong nanos = new AtomicLong();
    private final SegmenterConfig config = SegmenterConfig.defaults();
    private final SegmentStore store = new SegmentStore(config, publishes::incrementAndGet, nanos::get);
    private final StreamSegmenter segmenter = new StreamSegmenter(1, FORMAT, config, store,
            InstantSource.fixed(T0));
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[] {0, 0, 0, 1, 0x65});

    private long audioDts;

    /** Feeds video frames {@code from..to-1} with a keyframe every {@code gop} frames, and the audio between them. */
    private void feed(int from, int to, int gop) {
        for (int i = from; i < to; i++) {
            long dts = (long) i * FRAME;
            nanos.set(dts * 1_000_000_000L / 90_000);
            assertThat(segmenter.onFrame(0, dts, dts, i % gop == 0, payload, 0, payload.capacity()))
                    .isEqualTo(StreamSegmenter.ACCEPTED);
            long videoEnd48k = (dts + FRAME) * 48_000 / 90_000;
            while (audioDts < videoEnd48k) {
                segmenter.onFrame(1, audioDts, audioDts, false, payload, 0, 2);
                audioDts += AAC_FRAME;
            }
        }
    }

    @Test
    void framesBeforeTheFirstKeyframeAreDropped() {
        assertThat(segmenter.onFrame(0, 0, 0, false, payload, 0, 5)).isEqualTo(StreamSegmenter.DROPPED_BEFORE_KEYFRAME);
        assertThat(segmenter.onFrame(1, 0, 0, true, payload, 0, 2)).isEqualTo(StreamSegmenter.DROPPED_BEFORE_KEYFRAME);
        assertThat(segmenter.onFrame(0, 3600, 3600, true, payload, 0, 5)).isEqualTo(StreamSegmenter.ACCEPTED);
        assertThat(segmenter.dropped()).isEqualTo(2);
    }

    @Test
    void partsLastOnePartTargetAndEverySegmentStartsAtAKeyframe() {
        feed(0, 25 * 3 + 1, 25); // 3 s of 1 s GOPs, and the keyframe that closes the third segment

        MediaPlaylistSnapshot p = store.playlist();
        List<SegmentInfo> complete = p.segments().stream().filter(SegmentInfo::complete).toList();
        assertThat(complete).hasSize(3);
        for (SegmentInfo s : complete) {
            assertThat(s.duration()).isEqualTo(1.0);
            assertThat(s.parts()).extracting(PartInfo::duration).containsOnly(0.2);
            assertThat(s.parts()).extracting(PartInfo::independent).containsExactly(true, false, false, false, false);
        }
        assertThat(p.targetDuration()).isEqualTo(4);
        assertThat(p.partTarget()).isEqualTo(0.2);
    }

    @Test
    void aNewPartIsPublishedWithinOnePartTarget() {
        feed(0, 6, 25);
        assertThat(store.playlist().lastPart()).isZero();
        feed(6, 11, 25);
        assertThat(store.playlist().lastPart()).isEqualTo(1);
        assertThat(publishes.get()).isEqualTo(2);
    }

    @Test
    void gopLongerThanTheTargetDurationIsCutAnywayAndCounted() {
        feed(0, 25 * 10, 1_000_000);

        assertThat(segmenter.forcedCuts()).isGreaterThanOrEqualTo(2);
        assertThat(store.playlist().segments()).filteredOn(SegmentInfo::complete)
                .allSatisfy(s -> assertThat(s.duration()).isLessThanOrEqualTo(4.0));
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void removedSegmentsStayDownloadableForTheirRetentionTimeAndAreThenLetGo() {
        feed(0, 25, 25);
        StoredPart first = store.part(1, 0);
        feed(25, 25 * 30, 25); // 29.8 s: segment k (1 s) left the 12 s playlist at k + 13 s

        int listed = 3 * config.targetDurationSeconds(); // 1 s segments, three target durations
        long msn = store.playlist().mediaSequence();
        assertThat(msn).isEqualTo(17);
        assertThat(store.playlist().segments()).hasSize(listed + 1);
        // RFC 8216bis 6.2.2: its own duration plus the longest playlist's (13 s here; at least 3 target durations)
        long oldestKept = msn - 13;
        assertThat(store.segment(1, oldestKept)).as("removed 12.8 s ago: still downloadable").isNotNull();
        assertThat(store.part(1, store.segment(1, oldestKept).firstPartNumber())).isNotNull();
        assertThat(store.segment(1, oldestKept - 1)).as("removed 13.8 s ago").isNull();
        assertThat(store.segmentCount()).isEqualTo(13 + listed + 1);
        assertThat(store.part(1, 0)).isNull();
        assertThat(first.referenceCount()).as("the store let go of its memory").isZero();
    }

    @Test
    void aSourceCuttingTinySegmentsStillHoldsABoundedNumber() {
        long dts = 0;
        for (int i = 0; i < 400; i++) {
            dts += 2 * 90_000 + FRAME; // every frame after a gap: a segment of its own, 40 ms apart on the wall
            nanos.set(i * 40_000_000L);
            segmenter.onFrame(0, dts, dts, true, payload, 0, payload.capacity());
        }

        assertThat(segmenter.gaps()).isEqualTo(399);
        // the segment being written has no part yet: it is not stored
        assertThat(store.segmentCount()).isEqualTo(SegmentStore.MAX_LISTED_SEGMENTS
                + SegmentStore.MAX_RETAINED_SEGMENTS);
    }

    @Test
    void playlistNeverLastsLessThanThreeTargetDurationsOfCompleteSegments() {
        // RFC 8216bis 6.2.2: short GOPs make more, shorter segments; seven of them would be a 7 s playlist
        feed(0, 25 * 40, 25);

        List<SegmentInfo> complete = store.playlist().segments().stream().filter(SegmentInfo::complete).toList();
        double duration = complete.stream().mapToDouble(SegmentInfo::duration).sum();
        assertThat(duration).isGreaterThanOrEqualTo(3.0 * config.targetDurationSeconds());
        assertThat(duration - complete.get(0).duration()).as("no longer than needed")
                .isLessThan(3.0 * config.targetDurationSeconds());
    }

    @Test
    void longSegmentsStillListAtLeastPlaylistSegments() {
        SegmentStore longStore = new SegmentStore(config, () -> { });
        StreamSegmenter longSegments = new StreamSegmenter(1, FORMAT, config, longStore, InstantSource.fixed(T0));
        for (int i = 0; i < 25 * 60; i++) {
            long dts = (long) i * FRAME;
            longSegments.onFrame(0, dts, dts, i % 75 == 0, payload, 0, payload.capacity()); // 3 s GOPs
        }

        assertThat(longStore.playlist().segments()).filteredOn(SegmentInfo::complete)
                .hasSize(config.playlistSegments());
        longStore.close();
    }

    @Test
    void partsAndSegmentsAreFoundByEpochAndNumberAndASegmentIsItsPartsInOrder() {
        feed(0, 26, 25);

        byte[] segment = StoredBytes.segment(store, 1, 0);
        assertThat(segment).isNotNull();
        int at = 0;
        for (int i = 0; i < 5; i++) {
            byte[] part = StoredBytes.part(store.part(1, i));
            assertThat(java.util.Arrays.copyOfRange(segment, at, at + part.length)).isEqualTo(part);
            at += part.length;
        }
        assertThat(at).isEqualTo(segment.length);
        assertThat(store.segment(2, 0)).as("another epoch's name").isNull();
        assertThat(store.part(1, 5)).isNull();
        assertThat(store.part(2, 0)).as("another epoch's name").isNull();
        assertThat(store.init(1)).isNotNull();
    }

    @Test
    void programDateTimeFollowsMediaTimeFromTheFirstKeyframe() {
        feed(0, 51, 25);

        assertThat(store.playlist().segments().get(1).programDateTime()).isEqualTo(T0.plusSeconds(1));
    }

    @Test
    void programDateTimeIsWhenTheMediaWasLiveNotWhenABacklogWasRead() {
        // The reader starts at the latest keyframe, 24 frames old, and drains them at once; frame 24 is the first it
        // gets the moment it is published, and so are the frames after it, each up to 30 ms late.
        AtomicLong now = new AtomicLong(T0.toEpochMilli() + 24 * 40);
        SegmentStore liveStore = new SegmentStore(config, () -> { });
        StreamSegmenter live = new StreamSegmenter(1, FORMAT, config, liveStore,
                () -> Instant.ofEpochMilli(now.get()));
        for (int i = 0; i < 24; i++) {
            live.onFrame(0, (long) i * FRAME, (long) i * FRAME, i == 0, payload, 0, 5);
        }
        for (int i = 24; i < 76; i++) {
            now.set(T0.toEpochMilli() + i * 40L + (i % 3) * 15);
            live.arrivedLive(0, (long) i * FRAME);
            live.onFrame(0, (long) i * FRAME, (long) i * FRAME, i % 25 == 0, payload, 0, 5);
        }
        liveStore.close();

        List<SegmentInfo> segments = liveStore.playlist().segments();
        assertThat(segments.get(0).programDateTime()).as("re-dated from the first live frame").isEqualTo(T0);
        assertThat(segments.get(1).programDateTime()).isEqualTo(T0.plusSeconds(1));
        assertThat(segments.get(2).programDateTime()).as("late arrivals do not move the dates")
                .isEqualTo(T0.plusSeconds(2));
    }

    @Test
    void newEpochIsADiscontinuityWithItsOwnInitSection() {
        feed(0, 30, 25);
        StreamFormat other = new StreamFormat(List.of(
                TrackFormat.video(0, Codec.H264, "", "", 640, 480, 25, List.of(SPS, PPS))));
        segmenter.startEpoch(2, other);
        audioDts = 0;
        for (int i = 0; i < 30; i++) {
            long dts = 500_000L + (long) i * FRAME;
            segmenter.onFrame(0, dts, dts, i % 25 == 0, payload, 0, 5);
        }

        String playlist = MediaPlaylistRenderer.render(store.playlist());
        assertThat(playlist).contains("#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"init-2.mp4\"", "seg-1-1.m4s",
                "seg-2-2.m4s");
        assertThat(store.init(2)).isNotNull().isNotEqualTo(store.init(1));
        assertThat(segmenter.onFrame(1, 0, 0, false, payload, 0, 2))
                .as("the new epoch has no audio track").isEqualTo(StreamSegmenter.DROPPED_UNCARRIED_TRACK);
    }

    @Test
    void endFlushesTheLastSegmentAndClosesThePlaylist() {
        feed(0, 37, 25);

        segmenter.end();

        MediaPlaylistSnapshot p = store.playlist();
        assertThat(p.ended()).isTrue();
        assertThat(p.segments()).allSatisfy(s -> assertThat(s.complete()).isTrue());
        assertThat(p.segments().get(1).duration()).isCloseTo(0.48, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(MediaPlaylistRenderer.render(p)).endsWith("#EXT-X-ENDLIST\n");
        assertThat(segmenter.onFrame(0, 0, 0, true, payload, 0, 5)).isEqualTo(StreamSegmenter.DROPPED_ENDED);
    }

    @Test
    void decodeTimeGoingBackwardsIsDroppedAndCounted() {
        feed(0, 3, 25);

        assertThat(segmenter.onFrame(0, 0, 0, false, payload, 0, 5)).isEqualTo(StreamSegmenter.DROPPED_DTS_BACKWARDS);
    }

    @Test
    void bitratesArePeakAndMeanOfTheStoredSegments() {
        feed(0, 25 * 3 + 1, 25);

        BitrateStats stats = store.bitrates();
        long bytes = 0;
        for (long msn = 0; msn < 3; msn++) {
            bytes += store.segment(1, msn).length();
        }
        assertThat(stats.averageBitsPerSecond()).isEqualTo(Math.round(bytes * 8 / 3.0));
        assertThat(stats.peakBitsPerSecond()).isGreaterThanOrEqualTo(stats.averageBitsPerSecond());
    }

    @Test
    void sourceStallEndsTheSegmentAtItsLastFrameInsteadOfStretchingIt() {
        feed(0, 30, 25);
        long resume = 29L * FRAME + 3 * 90_000; // three seconds of nothing
        for (int i = 0; i < 30; i++) {
            long dts = resume + (long) i * FRAME;
            segmenter.onFrame(0, dts, dts, i % 25 == 0, payload, 0, 5);
        }

        List<SegmentInfo> segments = store.playlist().segments();
        assertThat(segmenter.gaps()).isEqualTo(1);
        assertThat(segments.get(1).duration()).isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(segments.get(2).programDateTime()).isEqualTo(T0.plusMillis(29 * 40 + 3000));
        assertThat(segments.get(2).parts().get(0).independent()).isTrue();
    }

    @Test
    void irregularFrameTimingNeverPushesASegmentPastTheTargetDuration() {
        long dts = 0;
        for (int i = 0; i < 400; i++) {
            // 40 ms frames with a 1.9 s hiccup every 90 frames, keyframes far apart
            dts += i % 90 == 89 ? 171_000 : FRAME;
            segmenter.onFrame(0, dts, dts, i % 500 == 0, payload, 0, 5);
        }

        assertThat(store.playlist().segments()).filteredOn(SegmentInfo::complete)
                .allSatisfy(s -> assertThat(Math.round(s.duration())).isLessThanOrEqualTo(4));
    }
}
