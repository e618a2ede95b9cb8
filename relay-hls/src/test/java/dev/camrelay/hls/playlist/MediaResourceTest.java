package dev.camrelay.hls.playlist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.camrelay.hls.playlist.MediaResource.Kind;
import org.junit.jupiter.api.Test;

class MediaResourceTest {

    @Test
    void everyNameTheUrisGiveOutParsesBackToItsEpochAndNumbers() {
        assertThat(MediaResource.parse(HlsUris.MEDIA_PLAYLIST).kind()).isEqualTo(Kind.MEDIA_PLAYLIST);
        assertThat(MediaResource.parse(HlsUris.init(42))).isEqualTo(new MediaResource(Kind.INIT, 42, -1));
        assertThat(MediaResource.parse(HlsUris.part(42, 12347))).isEqualTo(new MediaResource(Kind.PART, 42, 12347));
        assertThat(MediaResource.parse(HlsUris.segment(42, 1234)))
                .isEqualTo(new MediaResource(Kind.SEGMENT, 42, 1234));
    }

    @Test
    void malformedOrForeignNamesAreUnknownNotExceptions() {
        for (String name : new String[] {null, "", "init-.mp4", "init-0.mp4", "init-1-2.mp4", "part-1.m4s",
                "part-1-2-3.m4s", "seg-1--2.m4s", "seg-1-2.mp4", "seg-+1-2.m4s", "seg-1-2 .m4s", "../seg-1-2.m4s",
                "part-1-9999999999999999999.m4s", "seg-1-9999999999999999999.m4s", "index.m3u8?x", "x".repeat(500)}) {
            assertThat(MediaResource.parse(name)).as(String.valueOf(name)).isEqualTo(MediaResource.UNKNOWN);
        }
    }
}
