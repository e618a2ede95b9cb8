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
import java.util.function.LongUnaryOperator;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The advertised PART-TARGET: the configured one rounded up to whole frames, and the parts cut to it. */
class PartTargetTest {

    private static final byte[] SPS = {0x67, 0x64, 0x00, 0x1f, (byte) 0xac};
    private static final byte[] PPS = {0x68, (byte) 0xeb};
    private static final int CLOCK = 90_000;

    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[] {0, 0, 0, 1, 0x65});

    @Test
    void theConfiguredTargetIsRoundedUpToTheSmallestWholeNumberOfFrames() {
        assertThat(PartTarget.roundUp(PartTarget.configuredTicks(200, CLOCK), 3600)).isEqualTo(18_000); // 5 frames
        assertThat(PartTarget.roundUp(PartTarget.configuredTicks(100, CLOCK), 3600)).isEqualTo(10_800); // 3, not 2.5
        assertThat(PartTarget.roundUp(PartTarget.configuredTicks(500, CLOCK), 3600)).isEqualTo(46_800); // 13
        assertThat(PartTarget.roundUp(PartTarget.configuredTicks(100, CLOCK), 3000)).isEqualTo(9_000); // 30 fps: 3
        assertThat(PartTarget.roundUp(PartTarget.configuredTicks(200, CLOCK), 3750)).isEqualTo(18_750); // 24 fps: 5
        assertThat(PartTarget.roundUp(PartTarget.configuredTicks(100, CLOCK), 18_000)).as("at least one frame")
                .isEqualTo(18_000);
        assertThat(PartTarget.roundUp(PartTarget.configuredTicks(200, 48_000), 1024)).as("AAC frames")
                .isEqualTo(10 * 1024);
    }

    @Test
    void theNominalFrameDurationIsUsedOnlyWhenTheFirstIntervalIsCloseToIt() {
        assertThat(PartTarget.nominalFrameTicks(25, CLOCK)).isEqualTo(3600);
        assertThat(PartTarget.nominalFrameTicks(30_000 / 1001.0, CLOCK)).isEqualTo(3003);
        assertThat(PartTarget.nominalFrameTicks(24_000 / 1001.0, CLOCK)).as("3753.75, rounded up").isEqualTo(3754);
        assertThat(PartTarget.nominalFrameTicks(0, CLOCK)).isZero();
        assertThat(PartTarget.frameTicks(3550, 3600)).as("a jittery first interval").isEqualTo(3600);
        assertThat(PartTarget.frameTicks(3000, 3600)).as("a wrong nominal rate").isEqualTo(3000);
        assertThat(PartTarget.frameTicks(3600, 0)).as("no nominal rate").isEqualTo(3600);
    }

    /**
     * Ten seconds at each rate: the playlist advertises the rounded PART-TARGET, and every part lasts at most
     * PART-TARGET and at least 85 % of it unless it is independent or the last of its segment (RFC 8216bis §4.4.4.9).
     */
    @ParameterizedTest(name = "{0} ms at {1}/{2} fps, {3} s GOP -> {4}")
    @CsvSource({
        "100, 25, 1, 1, 0.12",
        "500, 25, 1, 2, 0.52",
        "200, 25, 1, 1, 0.2",
        "100, 30, 1, 1, 0.1",
        "200, 24, 1, 1, 0.20833",
        "200, 30000, 1001, 1, 0.2002",
        "200, 24000, 1001, 1, 0.20856",
    })
    void partsObeyThe85To100PercentRuleAtTheAdvertisedTarget(int millis, int num, int den, int gopSeconds,
                                                              String advertised) {
        SegmentStore store = new SegmentStore(SegmenterConfig.defaults().withPartTargetMillis(millis), () -> { });
        double fps = num / (double) den;
        StreamSegmenter segmenter = segmenter(store, millis, fps);
        // timestamps as a camera sends them: 90 kHz ticks rounded from the frame's exact time (3753/3754 at 23.976)
        feed(segmenter, (int) Math.round(10 * fps), (int) Math.round(gopSeconds * fps),
                i -> Math.round(i * CLOCK * (double) den / num));

        MediaPlaylistSnapshot p = store.playlist();
        assertThat(p.partTarget()).isCloseTo(Double.parseDouble(advertised), org.assertj.core.data.Offset.offset(6e-6));
        assertThat(MediaPlaylistRenderer.render(p)).contains("#EXT-X-PART-INF:PART-TARGET=" + advertised + "\n");
        assertParts(p);
        assertThat(segmenter.shortParts()).isZero();
        store.close();
    }

    @Test
    void aStreamWithoutANominalFrameRateIsRoundedToItsFirstInterval() {
        SegmentStore store = new SegmentStore(SegmenterConfig.defaults().withPartTargetMillis(100), () -> { });
        StreamSegmenter segmenter = segmenter(store, 100, 0);
        feed(segmenter, 250, 25, i -> i * 3600L);

        assertThat(store.playlist().partTarget()).isEqualTo(0.12);
        assertParts(store.playlist());
        store.close();
    }

    @Test
    void thePartTargetStaysFixedAcrossEpochsAndPartsThatCannotFitItAreCounted() {
        SegmentStore store = new SegmentStore(SegmenterConfig.defaults(), () -> { });
        StreamSegmenter segmenter = segmenter(store, 200, 25);
        feed(segmenter, 50, 25, i -> i * 3600L);
        assertThat(segmenter.partTargetSeconds()).isEqualTo(0.2);

        // the camera restarts at 24 fps: 200 ms is 4.8 frames, so parts of four (83 %) are all that fit
        segmenter.startEpoch(2, new StreamFormat(List.of(TrackFormat.video(0, Codec.H264, "", "", 320, 240, 24,
                List.of(SPS, PPS)))));
        feed(segmenter, 96, 24, i -> 1_000_000L + i * 3750L);

        MediaPlaylistSnapshot p = store.playlist();
        assertThat(p.partTarget()).as("never changes within a stream (RFC 8216bis 4.4.3.7)").isEqualTo(0.2);
        assertThat(p.segments()).allSatisfy(s -> assertThat(s.parts())
                .allSatisfy(part -> assertThat(part.duration()).isLessThanOrEqualTo(0.2)));
        assertThat(segmenter.shortParts()).isPositive();
        store.close();
    }

    private static StreamSegmenter segmenter(SegmentStore store, int millis, double fps) {
        StreamFormat format = new StreamFormat(List.of(TrackFormat.video(0, Codec.H264, "", "", 320, 240, fps,
                List.of(SPS, PPS))));
        return new StreamSegmenter(1, format, SegmenterConfig.defaults().withPartTargetMillis(millis), store,
                InstantSource.fixed(Instant.EPOCH));
    }

    private void feed(StreamSegmenter segmenter, int frames, int gop, LongUnaryOperator dtsOfFrame) {
        for (int i = 0; i < frames; i++) {
            long dts = dtsOfFrame.applyAsLong(i);
            assertThat(segmenter.onFrame(0, dts, dts, i % gop == 0, payload, 0, payload.capacity()))
                    .isEqualTo(StreamSegmenter.ACCEPTED);
        }
    }

    private static void assertParts(MediaPlaylistSnapshot p) {
        double target = p.partTarget();
        int checked = 0;
        for (SegmentInfo s : p.segments()) {
            List<PartInfo> parts = s.parts();
            for (int i = 0; i < parts.size(); i++) {
                PartInfo part = parts.get(i);
                assertThat(part.duration()).as("part %d of segment %d", i, s.msn())
                        .isLessThanOrEqualTo(target + 1e-9);
                boolean lastOfItsSegment = s.complete() && i == parts.size() - 1;
                if (!part.independent() && !lastOfItsSegment) {
                    assertThat(part.duration()).as("part %d of segment %d", i, s.msn())
                            .isGreaterThanOrEqualTo(0.85 * target);
                    checked++;
                }
            }
        }
        assertThat(checked).as("parts held to the 85 %% rule").isPositive();
    }
}
