package dev.camrelay.hls.fmp4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.camrelay.core.media.Codec;
import dev.camrelay.core.media.StreamFormat;
import dev.camrelay.core.media.TrackFormat;
import dev.camrelay.hls.testing.Mp4Boxes;
import dev.camrelay.hls.testing.Mp4Boxes.Box;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class InitSegmentWriterTest {

    static final byte[] SPS = {0x67, 0x64, 0x00, 0x1f, (byte) 0xac, (byte) 0xd9, 0x40, 0x50};
    static final byte[] PPS = {0x68, (byte) 0xeb, (byte) 0xe3, (byte) 0xcb};
    static final byte[] ASC = {0x11, (byte) 0x90};

    static StreamFormat h264AndAac() {
        return new StreamFormat(List.of(
                TrackFormat.video(0, Codec.H264, "High", "3.1", 1280, 720, 25, List.of(SPS, PPS)),
                TrackFormat.audio(1, Codec.AAC, 48_000, 2, List.of(ASC))));
    }

    @Test
    void initSectionStartsWithFtypOfMp42CompatibleWithIsomAndHlsf() {
        byte[] init = InitSegmentWriter.toBytes(h264AndAac());

        List<Box> top = Mp4Boxes.parse(init);
        assertThat(top).extracting(Box::type).containsExactly("ftyp", "moov");
        ByteBuffer ftyp = top.get(0).body();
        assertThat(BoxTypes.name(ftyp.getInt())).isEqualTo("mp42");
        ftyp.getInt();
        List<String> compatible = new java.util.ArrayList<>();
        while (ftyp.hasRemaining()) {
            compatible.add(BoxTypes.name(ftyp.getInt()));
        }
        assertThat(compatible).contains("isom", "hlsf");
    }

    @Test
    void initSectionDeclaresAvcCWithTheStreamsSps() {
        byte[] init = InitSegmentWriter.toBytes(h264AndAac());
        Box stsd = Mp4Boxes.top(init, "moov").all("trak").get(0).child("mdia/minf/stbl/stsd");

        ByteBuffer b = stsd.body();
        assertThat(b.getInt()).isZero();             // version + flags
        assertThat(b.getInt()).isEqualTo(1);         // entry_count
        int entrySize = b.getInt();
        assertThat(BoxTypes.name(b.getInt())).isEqualTo("avc1");
        b.position(b.position() + 24);
        assertThat(b.getShort()).isEqualTo((short) 1280);
        assertThat(b.getShort()).isEqualTo((short) 720);
        b.position(16 + 78);                          // avc1 body is 78 bytes before its children
        assertThat(entrySize).isGreaterThan(86);
        b.getInt();
        assertThat(BoxTypes.name(b.getInt())).isEqualTo("avcC");
        assertThat(new byte[] {b.get(), b.get(), b.get(), b.get(), b.get()})
                .containsExactly(1, 0x64, 0x00, 0x1f, 0xFF); // version, profile, compat, level, 4-byte lengths
        assertThat(b.get()).isEqualTo((byte) 0xE1);  // one SPS
        byte[] sps = new byte[b.getShort()];
        b.get(sps);
        assertThat(sps).containsExactly(SPS);
        assertThat(b.get()).isEqualTo((byte) 1);      // one PPS
        byte[] pps = new byte[b.getShort()];
        b.get(pps);
        assertThat(pps).containsExactly(PPS);
        // High profile: 4:2:0, 8 bit, no SPS extensions (14496-15 §5.3.3.1.2)
        assertThat(new byte[] {b.get(), b.get(), b.get(), b.get()}).containsExactly(0xFD, 0xF8, 0xF8, 0);
        assertThat(b.hasRemaining()).isFalse();
    }

    @Test
    void baselineAvcCEndsAfterItsPps() {
        byte[] baselineSps = {0x67, 0x42, (byte) 0xc0, 0x1e, (byte) 0xda};
        StreamFormat format = new StreamFormat(List.of(
                TrackFormat.video(0, Codec.H264, "Baseline", "3.0", 640, 480, 25, List.of(baselineSps, PPS))));
        byte[] init = InitSegmentWriter.toBytes(format);

        int avcc = Mp4Boxes.indexOf(init, "avcC", 0);
        assertThat(ByteBuffer.wrap(init, avcc, 4).getInt()).isEqualTo(8 + 6 + 2 + baselineSps.length + 1 + 2
                + PPS.length);
    }

    @Test
    void initSectionHasEmptySampleTablesAndOneTrexPerTrack() {
        Box moov = Mp4Boxes.top(InitSegmentWriter.toBytes(h264AndAac()), "moov");

        assertThat(moov.childTypes()).containsExactly("mvhd", "trak", "trak", "mvex");
        for (Box trak : moov.all("trak")) {
            Box stbl = trak.child("mdia/minf/stbl");
            assertThat(stbl.childTypes()).containsExactly("stsd", "stts", "stsc", "stsz", "stco");
            assertThat(stbl.child("stts").size()).isEqualTo(16);
            assertThat(stbl.child("stsc").size()).isEqualTo(16);
            assertThat(stbl.child("stsz").size()).isEqualTo(20);
            assertThat(stbl.child("stco").size()).isEqualTo(16);
        }
        List<Box> trex = moov.child("mvex").all("trex");
        assertThat(trex).hasSize(2);
        assertThat(trex.get(0).body().getInt(4)).isEqualTo(1);
        assertThat(trex.get(1).body().getInt(4)).isEqualTo(2);
    }

    @Test
    void eachTrackUsesItsClockRateAsTimescaleAndItsHandler() {
        Box moov = Mp4Boxes.top(InitSegmentWriter.toBytes(h264AndAac()), "moov");

        Box video = moov.all("trak").get(0);
        Box audio = moov.all("trak").get(1);
        assertThat(video.child("mdia/mdhd").body().getInt(12)).isEqualTo(90_000);
        assertThat(audio.child("mdia/mdhd").body().getInt(12)).isEqualTo(48_000);
        assertThat(BoxTypes.name(video.child("mdia/hdlr").body().getInt(8))).isEqualTo("vide");
        assertThat(BoxTypes.name(audio.child("mdia/hdlr").body().getInt(8))).isEqualTo("soun");
        assertThat(video.child("mdia/minf").childTypes()).startsWith("vmhd");
        assertThat(audio.child("mdia/minf").childTypes()).startsWith("smhd");
        assertThat(video.child("tkhd").body().getInt(12)).isEqualTo(1); // track_ID
        assertThat(audio.child("tkhd").body().getInt(12)).isEqualTo(2);
    }

    @Test
    void audioTrackCarriesItsAudioSpecificConfigInEsds() {
        byte[] init = InitSegmentWriter.toBytes(h264AndAac());
        int esds = Mp4Boxes.indexOf(init, "esds", 0);

        byte[] body = Arrays.copyOfRange(init, esds + 12, esds + ByteBuffer.wrap(init, esds, 4).getInt());
        // ES_Descriptor(ES_ID=2) > DecoderConfigDescriptor(0x40, audio) > DecoderSpecificInfo(ASC) > SLConfig(2)
        assertThat(body).containsExactly(0x03, 25, 0, 2, 0, 0x04, 17, 0x40, 0x15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                0x05, 2, 0x11, 0x90, 0x06, 1, 2);
        assertThat(ByteBuffer.wrap(init, Mp4Boxes.indexOf(init, "mp4a", 0) + 8 + 16, 2).getShort()).isEqualTo(
                (short) 2); // channelcount
    }

    @Test
    void opusTrackDeclaresDOpsWithChannelsAndInputRate() {
        StreamFormat format = new StreamFormat(List.of(TrackFormat.audio(0, Codec.OPUS, 48_000, 2, List.of())));
        byte[] init = InitSegmentWriter.toBytes(format);
        int dops = Mp4Boxes.indexOf(init, "dOps", 0);

        assertThat(Arrays.copyOfRange(init, dops, dops + 19)).containsExactly(0, 0, 0, 19, 'd', 'O', 'p', 's',
                0, 2, 0, 0, 0, 0, (byte) 0xBB, (byte) 0x80, 0, 0, 0);
    }

    @Test
    void g711TracksAreLeftOut() {
        StreamFormat format = new StreamFormat(List.of(
                TrackFormat.video(0, Codec.H264, "", "", 320, 240, 25, List.of(SPS, PPS)),
                TrackFormat.audio(1, Codec.PCMU, 8_000, 1, List.of())));

        Box moov = Mp4Boxes.top(InitSegmentWriter.toBytes(format), "moov");

        assertThat(moov.all("trak")).hasSize(1);
        assertThat(moov.child("mvex").all("trex")).hasSize(1);
    }

    @Test
    void streamWithoutCarriableTrackIsRefused() {
        StreamFormat format = new StreamFormat(List.of(TrackFormat.audio(0, Codec.PCMA, 8_000, 1, List.of())));

        assertThatThrownBy(() -> InitSegmentWriter.toBytes(format)).isInstanceOf(IllegalArgumentException.class);
    }
}
