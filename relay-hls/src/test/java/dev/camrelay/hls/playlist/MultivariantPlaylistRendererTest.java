package dev.camrelay.hls.playlist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.camrelay.core.media.Codec;
import dev.camrelay.core.media.StreamFormat;
import dev.camrelay.core.media.TrackFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class MultivariantPlaylistRendererTest {

    private static final byte[] SPS = {0x67, 0x64, 0x00, 0x1f, (byte) 0xac};
    private static final byte[] PPS = {0x68, (byte) 0xeb};

    @Test
    void streamInfCarriesBandwidthsCodecsFromTheSpsResolutionAndFrameRate() {
        StreamFormat format = new StreamFormat(List.of(
                TrackFormat.video(0, Codec.H264, "High", "3.1", 1280, 720, 25, List.of(SPS, PPS)),
                TrackFormat.audio(1, Codec.AAC, 48_000, 2, List.of(new byte[] {0x11, (byte) 0x90}))));
        VariantStream v = VariantStream.of(HlsUris.mediaPlaylistFromMultivariant("AbC123", 0), format,
                2_400_000, 2_000_000);

        String p = MultivariantPlaylistRenderer.render(List.of(v));

        assertThat(p.lines().toList()).containsExactly(
                "#EXTM3U",
                "#EXT-X-VERSION:10",
                "#EXT-X-INDEPENDENT-SEGMENTS",
                "#EXT-X-STREAM-INF:BANDWIDTH=2400000,AVERAGE-BANDWIDTH=2000000,CODECS=\"avc1.64001f,mp4a.40.2\","
                        + "RESOLUTION=1280x720,FRAME-RATE=25.000",
                "../s/AbC123/0/index.m3u8");
    }

    @Test
    void audioOnlyVariantHasNoResolutionOrFrameRate() {
        StreamFormat format = new StreamFormat(List.of(TrackFormat.audio(0, Codec.OPUS, 48_000, 2, List.of())));

        String p = MultivariantPlaylistRenderer.render(List.of(VariantStream.of("../s/x/0/index.m3u8", format,
                64_000, 0)));

        assertThat(p).contains("#EXT-X-STREAM-INF:BANDWIDTH=64000,CODECS=\"opus\"\n").doesNotContain("RESOLUTION");
    }
}
