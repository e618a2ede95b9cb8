package dev.camrelay.hls.playlist;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DeliveryDirectivesTest {

    /** Segments 10..11 complete, 12 has parts 0..2. */
    private final MediaPlaylistSnapshot live = Playlists.live(10, 2, 3, List.of());

    @Test
    void noDirectivesIsAPlainNonBlockingRequest() {
        DeliveryDirectives d = DeliveryDirectives.parse(null, null, null, live);

        assertThat(d.badRequest()).isFalse();
        assertThat(d.blocking()).isFalse();
        assertThat(d.skip()).isFalse();
    }

    @Test
    void msnAndPartWithinReachBlockForThatPart() {
        DeliveryDirectives d = DeliveryDirectives.parse("12", "5", "YES", live);

        assertThat(d.status()).isEqualTo(DeliveryDirectives.Status.OK);
        assertThat(d.msn()).isEqualTo(12);
        assertThat(d.part()).isEqualTo(5);
        assertThat(d.skip()).isTrue();
    }

    @Test
    void partWithoutMsnIsBadRequest() {
        DeliveryDirectives d = DeliveryDirectives.parse(null, "1", null, live);

        assertThat(d.badRequest()).isTrue();
        assertThat(d.reason()).contains("_HLS_part without _HLS_msn");
    }

    @Test
    void msnMoreThanTwoPastTheLastSegmentIsBadRequest() {
        assertThat(DeliveryDirectives.parse("14", null, null, live).badRequest()).isFalse();
        assertThat(DeliveryDirectives.parse("15", null, null, live).badRequest()).isTrue();
    }

    @Test
    void partBeyondTheAdvancePartLimitIsBadRequest() {
        // PART-TARGET 0.2 s: the limit is 3 / 0.2 = 15 parts past the last part (12.2).
        assertThat(DeliveryDirectives.parse("12", "17", null, live).badRequest()).isFalse();
        assertThat(DeliveryDirectives.parse("12", "18", null, live).badRequest()).isTrue();
        assertThat(DeliveryDirectives.parse("13", "14", null, live).badRequest()).isFalse();
        assertThat(DeliveryDirectives.parse("13", "15", null, live).badRequest()).isTrue();
    }

    @Test
    void advancePartLimitIsThreeOverPartTargetBelowOneSecondElseThree() {
        assertThat(DeliveryDirectives.advancePartLimit(0.2)).isEqualTo(15);
        assertThat(DeliveryDirectives.advancePartLimit(0.5)).isEqualTo(6);
        assertThat(DeliveryDirectives.advancePartLimit(1.0)).isEqualTo(3);
        assertThat(DeliveryDirectives.advancePartLimit(2.0)).isEqualTo(3);
    }

    @Test
    void malformedNumbersAreBadRequestsNotExceptions() {
        assertThat(DeliveryDirectives.parse("-1", null, null, live).badRequest()).isTrue();
        assertThat(DeliveryDirectives.parse("abc", null, null, live).badRequest()).isTrue();
        assertThat(DeliveryDirectives.parse("", null, null, live).badRequest()).isTrue();
        assertThat(DeliveryDirectives.parse("99999999999999999999999", null, null, live).badRequest()).isTrue();
        assertThat(DeliveryDirectives.parse("12", "1.5", null, live).badRequest()).isTrue();
        assertThat(DeliveryDirectives.parse("12", "9999999999", null, live).badRequest()).isTrue();
    }

    @Test
    void unknownSkipValueIsBadRequestAndV2IsAccepted() {
        assertThat(DeliveryDirectives.parse(null, null, "NO", live).badRequest()).isTrue();
        assertThat(DeliveryDirectives.parse(null, null, "v2", live).skip()).isTrue();
    }

    @Test
    void directivesAreIgnoredOnceThePlaylistHasEnded() {
        MediaPlaylistSnapshot ended = new MediaPlaylistSnapshot(2, 0.2, 0, List.of(Playlists.complete(0, 1)), true,
                List.of());

        DeliveryDirectives d = DeliveryDirectives.parse("50", "3", null, ended);

        assertThat(d.badRequest()).isFalse();
        assertThat(d.blocking()).isFalse();
    }

    @Test
    void blockingTimesOutAfterThreeTargetDurations() {
        assertThat(DeliveryDirectives.blockingTimeoutMillis(2)).isEqualTo(6_000);
    }

    @Test
    void heldRequestIsReadyOnceItsPartExistsAndTimesOutAfterThreeTargetDurations() {
        DeliveryDirectives d = DeliveryDirectives.parse("12", "3", null, live);

        assertThat(d.readiness(live, 0)).isEqualTo(DeliveryDirectives.Readiness.WAIT);
        assertThat(d.readiness(live, 6_000)).isEqualTo(DeliveryDirectives.Readiness.TIMED_OUT);
        assertThat(d.readiness(Playlists.live(10, 2, 4, List.of()), 0)).isEqualTo(DeliveryDirectives.Readiness.READY);
        assertThat(DeliveryDirectives.parse(null, null, null, live).readiness(live, 0))
                .isEqualTo(DeliveryDirectives.Readiness.READY);
    }
}
