package dev.camrelay.hls.playlist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MediaPlaylistSnapshotTest {

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
