package dev.camrelay.hls.playlist;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MediaPlaylistRendererTest {

    private static List<String> lines(String playlist) {
        return playlist.lines().toList();
    }

    private static long count(String playlist, String prefix) {
        return playlist.lines().filter(l -> l.startsWith(prefix)).count();
    }

    @Test
    void headerDeclaresBlockingReloadPartHoldBackOfThreePartsAndSkipUntilSixTargetDurations() {
        String p = MediaPlaylistRenderer.render(Playlists.live(5, 3, 2, List.of()));

        assertThat(lines(p)).startsWith(
                "#EXTM3U",
                "#EXT-X-VERSION:10",
                "#EXT-X-INDEPENDENT-SEGMENTS",
                "#EXT-X-TARGETDURATION:2",
                "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=12.0,PART-HOLD-BACK=0.6",
                "#EXT-X-PART-INF:PART-TARGET=0.2",
                "#EXT-X-MEDIA-SEQUENCE:5",
                "#EXT-X-DISCONTINUITY-SEQUENCE:0",
                "#EXT-X-MAP:URI=\"init-1.mp4\"");
    }

    @Test
    void completeSegmentsHaveExtinfAndEpochNamedUriAndTheCurrentOneOnlyParts() {
        String p = MediaPlaylistRenderer.render(Playlists.live(5, 1, 2, List.of()));

        assertThat(lines(p)).containsSubsequence(
                "#EXT-X-PROGRAM-DATE-TIME:2026-11-24T10:00:10.000Z",
                "#EXT-X-PART:DURATION=0.2,URI=\"part-1-50.m4s\",INDEPENDENT=YES",
                "#EXT-X-PART:DURATION=0.2,URI=\"part-1-51.m4s\"",
                "#EXTINF:2.0,",
                "seg-1-5.m4s",
                "#EXT-X-PROGRAM-DATE-TIME:2026-11-24T10:00:12.000Z",
                "#EXT-X-PART:DURATION=0.2,URI=\"part-1-60.m4s\",INDEPENDENT=YES",
                "#EXT-X-PART:DURATION=0.2,URI=\"part-1-61.m4s\"",
                "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"part-1-62.m4s\"");
        assertThat(p).doesNotContain("seg-1-6.m4s");
    }

    @Test
    void everyUriIsRelativeSoItKeepsTheSessionPathElement() {
        String p = MediaPlaylistRenderer.render(Playlists.live(0, 4, 3,
                List.of(new RenditionReport(HlsUris.siblingMediaPlaylist(1), 4, 2))));

        List<String> uris = new ArrayList<>();
        for (String line : lines(p)) {
            if (!line.startsWith("#")) {
                uris.add(line);
            }
            int at = line.indexOf("URI=\"");
            if (at >= 0) {
                uris.add(line.substring(at + 5, line.indexOf('"', at + 5)));
            }
        }
        assertThat(uris).isNotEmpty().allSatisfy(u -> assertThat(u).doesNotStartWith("/").doesNotContain("://"));
    }

    @Test
    void preloadHintNamesTheNextPartNumberWhetherOrNotAKeyframeStartsANewSegment() {
        MediaPlaylistSnapshot before = Playlists.live(0, 1, 3, List.of());
        MediaPlaylistSnapshot afterKeyframe = new MediaPlaylistSnapshot(2, 0.2, 0, List.of(Playlists.complete(0, 1),
                new SegmentInfo(1, 1, Playlists.T0.plusMillis(2000), 0.6, Playlists.parts(3), true, 10),
                SegmentInfo.inProgress(2, 1, Playlists.T0.plusMillis(2600), Playlists.parts(1), 13)), false,
                List.of());

        assertThat(MediaPlaylistRenderer.render(before))
                .contains("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"part-1-13.m4s\"");
        assertThat(MediaPlaylistRenderer.render(afterKeyframe))
                .contains("#EXT-X-PART:DURATION=0.2,URI=\"part-1-13.m4s\",INDEPENDENT=YES");
    }

    @Test
    void exactlyOnePreloadHintNamesPartZeroOfTheNextSegmentAfterACompleteOne() {
        List<SegmentInfo> segments = List.of(Playlists.complete(7, 3));
        String p = MediaPlaylistRenderer.render(new MediaPlaylistSnapshot(2, 0.2, 0, segments, false, List.of()));

        assertThat(count(p, "#EXT-X-PRELOAD-HINT")).isEqualTo(1);
        assertThat(p).contains("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"part-3-80.m4s\"");
    }

    @Test
    void partsOlderThanThreeTargetDurationsAreLeftOutButTheirSegmentsStay() {
        String p = MediaPlaylistRenderer.render(Playlists.live(0, 6, 5, List.of()));

        // 6 complete segments of 2 s + 1 s in progress = 13 s; parts only for segments ending after 7 s.
        assertThat(p).doesNotContain("part-1-29.m4s").contains("seg-1-0.m4s", "seg-1-2.m4s");
        assertThat(p).contains("part-1-30.m4s", "part-1-59.m4s", "part-1-64.m4s");
    }

    @Test
    void everySegmentCarriesProgramDateTime() {
        String p = MediaPlaylistRenderer.render(Playlists.live(0, 4, 1, List.of()));

        assertThat(count(p, "#EXT-X-PROGRAM-DATE-TIME:")).isEqualTo(5);
    }

    @Test
    void epochChangeBringsDiscontinuityAndTheNewEpochsMap() {
        List<SegmentInfo> segments = List.of(Playlists.complete(0, 1), Playlists.complete(1, 1),
                Playlists.complete(2, 2), Playlists.inProgress(3, 2, 1));
        String p = MediaPlaylistRenderer.render(new MediaPlaylistSnapshot(2, 0.2, 0, segments, false, List.of()));

        assertThat(lines(p)).containsSubsequence("#EXT-X-MAP:URI=\"init-1.mp4\"", "seg-1-1.m4s",
                "#EXT-X-DISCONTINUITY", "#EXT-X-MAP:URI=\"init-2.mp4\"",
                "#EXT-X-PROGRAM-DATE-TIME:2026-11-24T10:00:04.000Z", "seg-2-2.m4s");
        assertThat(lines(p)).containsOnlyOnce("#EXT-X-DISCONTINUITY");
        assertThat(count(p, "#EXT-X-MAP")).isEqualTo(2);
        assertThat(p).contains("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"part-2-31.m4s\"");
    }

    @Test
    void deltaUpdateReplacesSegmentsOlderThanTheSkipBoundaryWithExtXSkip() {
        MediaPlaylistSnapshot snapshot = Playlists.live(20, 10, 3, List.of());

        String full = MediaPlaylistRenderer.render(snapshot, false);
        String delta = MediaPlaylistRenderer.render(snapshot, true);

        // 10 x 2 s + 0.6 s = 20.6 s; the boundary is 12 s before the end: segments ending by 8.6 s (20..23) go.
        assertThat(full).doesNotContain("#EXT-X-SKIP").contains("seg-1-20.m4s");
        assertThat(lines(delta)).containsSubsequence("#EXT-X-MEDIA-SEQUENCE:20", "#EXT-X-SKIP:SKIPPED-SEGMENTS=4",
                "#EXT-X-MAP:URI=\"init-1.mp4\"", "#EXT-X-PROGRAM-DATE-TIME:2026-11-24T10:00:48.000Z", "seg-1-24.m4s");
        assertThat(delta).doesNotContain("seg-1-23.m4s");
        assertThat(count(delta, "#EXT-X-PRELOAD-HINT")).isEqualTo(1);
    }

    @Test
    void shortPlaylistHasNothingToSkip() {
        String delta = MediaPlaylistRenderer.render(Playlists.live(0, 3, 1, List.of()), true);

        assertThat(delta).doesNotContain("#EXT-X-SKIP");
    }

    @Test
    void renditionReportsGiveEachOtherRenditionsLastMsnAndPart() {
        String p = MediaPlaylistRenderer.render(Playlists.live(0, 2, 1, List.of(
                new RenditionReport(HlsUris.siblingMediaPlaylist(1), 2, 0),
                new RenditionReport(HlsUris.siblingMediaPlaylist(2), 1, -1))));

        assertThat(lines(p)).endsWith(
                "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"part-1-21.m4s\"",
                "#EXT-X-RENDITION-REPORT:URI=\"../1/index.m3u8\",LAST-MSN=2,LAST-PART=0",
                "#EXT-X-RENDITION-REPORT:URI=\"../2/index.m3u8\",LAST-MSN=1");
    }

    @Test
    void endedPlaylistHasEndlistAndNoPreloadHint() {
        List<SegmentInfo> segments = List.of(Playlists.complete(0, 1), Playlists.complete(1, 1));
        String p = MediaPlaylistRenderer.render(new MediaPlaylistSnapshot(2, 0.2, 0, segments, true, List.of()));

        assertThat(p).endsWith("seg-1-1.m4s\n#EXT-X-ENDLIST\n").doesNotContain("PRELOAD-HINT");
    }

    @Test
    void durationsUseAtMostFiveDecimals() {
        List<SegmentInfo> segments = List.of(new SegmentInfo(0, 1, Playlists.T0, 1.966666666, List.of(
                new PartInfo(0, 0.19999999, true)), true, 0));
        String p = MediaPlaylistRenderer.render(new MediaPlaylistSnapshot(2, 0.2, 0, segments, false, List.of()));

        assertThat(p).contains("#EXTINF:1.96667,", "#EXT-X-PART:DURATION=0.2,");
    }

    @Test
    void renditionReportOfAnotherPlaylistTakesItsLiveEdge() {
        RenditionReport r = RenditionReport.of(HlsUris.siblingMediaPlaylist(1), Playlists.live(3, 2, 4, List.of()));

        assertThat(r).isEqualTo(new RenditionReport("../1/index.m3u8", 5, 3));
    }
}
