package dev.camrelay.hls.playlist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MediaPlaylistSnapshotTest {

    @Test
    void aPlaybackOfTheNewerEpochSeesNoneOfTheOlderEpochsSegments() {
        MediaPlaylistSnapshot restarted = new MediaPlaylistSnapshot(2, Playlists.PART, 4, List.of(
                Playlists.complete(7, 1), Playlists.complete(8, 1), Playlists.complete(9, 2),
                Playlists.inProgress(10, 2, 3)), false, List.of());

        MediaPlaylistSnapshot view = restarted.fromEpoch(2);

        assertThat(view.segments()).extracting(SegmentInfo::msn).containsExactly(9L, 10L);
        assertThat(view.mediaSequence()).isEqualTo(9);
        assertThat(view.discontinuitySequence()).as("the 1 -> 2 discontinuity is before the first segment now")
                .isEqualTo(5);
        assertThat(MediaPlaylistRenderer.render(view)).doesNotContain("-1-", "init-1.mp4", "#EXT-X-DISCONTINUITY\n")
                .contains("#EXT-X-MAP:URI=\"init-2.mp4\"");
        assertThat(view.lastMsn()).isEqualTo(restarted.lastMsn());
        assertThat(view.nextPartNumber()).isEqualTo(restarted.nextPartNumber());
        assertThat(restarted.fromEpoch(1)).as("nothing older than epoch 1").isSameAs(restarted);
    }

    @Test
    void lastMsnAndPartAreTheNewestPartListed() {
        MediaPlaylistSnapshot s = Playlists.live(3, 2, 4, List.of());

        assertThat(s.mediaSequence()).isEqualTo(3);
        assertThat(s.lastMsn()).isEqualTo(5);
        assertThat(s.lastPart()).isEqualTo(3);
    }

    @Test
    void currentSegmentWithoutPartsLeavesTheEdgeOnThePreviousSegment() {
        MediaPlaylistSnapshot s = Playlists.live(3, 2, 0, List.of());

        assertThat(s.lastMsn()).isEqualTo(4);
        assertThat(s.lastPart()).isEqualTo(9);
    }

    @Test
    void blockingRequestIsSatisfiedOnceThatPartOrSegmentExists() {
        MediaPlaylistSnapshot s = Playlists.live(3, 2, 4, List.of());

        assertThat(s.satisfies(5, 3)).isTrue();
        assertThat(s.satisfies(5, 4)).isFalse();
        assertThat(s.satisfies(4, -1)).isTrue();
        assertThat(s.satisfies(5, -1)).isFalse();
        assertThat(s.satisfies(6, 0)).isFalse();
        assertThat(s.satisfies(1, -1)).as("already left the playlist").isTrue();
    }

    @Test
    void theAwaitedPartOfABlockingRequestIsTheOneWhosePublicationAnswersIt() {
        MediaPlaylistSnapshot s = Playlists.live(3, 2, 4, List.of()); // segments 3, 4 complete; 5 has parts 0-3

        assertThat(s.awaitedPartNumber(5, 3)).isEqualTo(53);
        assertThat(s.awaitedPartNumber(4, -1)).as("the part that completed segment 4").isEqualTo(49);
        assertThat(s.awaitedPartNumber(4, 10)).as("past segment 4's last part: part 0 of 5").isEqualTo(50);
        assertThat(s.awaitedPartNumber(5, 4)).as("not published yet").isEqualTo(-1);
        assertThat(s.awaitedPartNumber(5, -1)).as("segment 5 is not complete").isEqualTo(-1);
        assertThat(s.awaitedPartNumber(9, 0)).isEqualTo(-1);
    }

    @Test
    void partPastACompleteSegmentsLastPartMeansPartZeroOfTheNext() {
        MediaPlaylistSnapshot withoutNext = Playlists.live(3, 2, 0, List.of());
        MediaPlaylistSnapshot withNext = Playlists.live(3, 2, 1, List.of());

        assertThat(withoutNext.satisfies(4, 10)).isFalse();
        assertThat(withNext.satisfies(4, 10)).isTrue();
    }

    @Test
    void aPlaylistOfPartsOnlyIsNotPlayableUntilItsFirstSegmentCompletesOrItEnds() {
        MediaPlaylistSnapshot partsOnly = Playlists.live(0, 0, 4, List.of());
        MediaPlaylistSnapshot oneSegment = Playlists.live(0, 1, 0, List.of());
        MediaPlaylistSnapshot endedEarly = new MediaPlaylistSnapshot(2, Playlists.PART, 0,
                List.of(Playlists.inProgress(0, 1, 2)), true, List.of());

        assertThat(partsOnly.playable()).isFalse();
        assertThat(oneSegment.playable()).isTrue();
        assertThat(endedEarly.playable()).isTrue();
    }

    @Test
    void segmentLongerThanTheTargetDurationIsRefused() {
        SegmentInfo tooLong = new SegmentInfo(0, 1, Playlists.T0, 2.6, List.of(), true, 0);

        assertThatThrownBy(() -> new MediaPlaylistSnapshot(2, 0.2, 0, List.of(tooLong), false, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("target duration");
    }

    @Test
    void gapInMediaSequenceNumbersIsRefused() {
        assertThatThrownBy(() -> new MediaPlaylistSnapshot(2, 0.2, 0,
                List.of(Playlists.complete(0, 1), Playlists.complete(2, 1)), false, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
