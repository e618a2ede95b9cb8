package dev.camrelay.hls.fmp4;

import static org.assertj.core.api.Assertions.assertThat;

import dev.camrelay.hls.testing.Mp4Boxes;
import dev.camrelay.hls.testing.Mp4Boxes.Box;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class FragmentWriterTest {

    private final TrackRun video = new TrackRun(1, 64);
    private final TrackRun audio = new TrackRun(2, 64);
    private final BoxWriter w = new BoxWriter(64);

    private static UnsafeBuffer bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return new UnsafeBuffer(b);
    }

    private void append(TrackRun run, long dts, long pts, boolean sync, UnsafeBuffer payload) {
        assertThat(run.append(dts, pts, sync, payload, 0, payload.capacity())).isEqualTo(TrackRun.APPENDED);
    }

    private byte[] write(int sequence) {
        w.reset();
        FragmentWriter.write(w, sequence, new TrackRun[] {video, audio}, 2);
        return w.toByteArray();
    }

    /** trun body as ints: version/flags, sample_count, data_offset, then 4 ints per sample. */
    private static int[] trun(Box traf) {
        ByteBuffer b = traf.child("trun").body();
        int[] out = new int[b.remaining() / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getInt();
        }
        return out;
    }

    @Test
    void fragmentIsMoofWithSequenceNumberThenMdat() {
        append(video, 0, 0, true, bytes(1, 2, 3));
        video.closeAt(3000);

        byte[] out = write(7);

        List<Box> top = Mp4Boxes.parse(out);
        assertThat(top).extracting(Box::type).containsExactly("moof", "mdat");
        assertThat(top.get(0).childTypes()).containsExactly("mfhd", "traf");
        assertThat(top.get(0).child("mfhd").body().getInt(4)).isEqualTo(7);
        assertThat(top.get(0).child("traf").childTypes()).containsExactly("tfhd", "tfdt", "trun");
        assertThat(top.get(1).bodyBytes()).containsExactly(1, 2, 3);
    }

    @Test
    void tfhdDeclaresDefaultBaseIsMoofAndTfdtTheFirstDecodeTimeIn64Bits() {
        long base = 5_000_000_000L;
        append(video, base, base, true, bytes(1));
        video.closeAt(base + 3000);

        Box traf = Mp4Boxes.parse(write(1)).get(0).child("traf");

        assertThat(traf.child("tfhd").body().getInt(0)).isEqualTo(FragmentDescriptor.TFHD_DEFAULT_BASE_IS_MOOF);
        assertThat(traf.child("tfhd").body().getInt(4)).isEqualTo(1);
        assertThat(traf.child("tfdt").body().get(0)).isEqualTo((byte) 1);
        assertThat(traf.child("tfdt").body().getLong(4)).isEqualTo(base);
    }

    @Test
    void keyframeIsSyncAndOtherFramesDependOnOthersAndAreNonSync() {
        append(video, 0, 0, true, bytes(1));
        append(video, 3600, 3600, false, bytes(2));
        video.closeAt(7200);

        int[] trun = trun(Mp4Boxes.parse(write(1)).get(0).child("traf"));

        assertThat(trun[0]).isEqualTo(1 << 24 | FragmentDescriptor.TRUN_FLAGS);
        assertThat(trun[3 + 2]).isEqualTo(0x0200_0000);
        assertThat(trun[3 + 4 + 2]).isEqualTo(0x0101_0000);
    }

    @Test
    void trunCarriesDurationsSizesAndSignedCompositionOffsets() {
        // I P B: the B frame is presented before the P frame, so its composition offset is negative.
        append(video, 0, 3600, true, bytes(1, 1));
        append(video, 3600, 10800, false, bytes(2, 2, 2));
        append(video, 7200, 3600, false, bytes(3));
        video.closeAt(10800);

        int[] trun = trun(Mp4Boxes.parse(write(1)).get(0).child("traf"));

        assertThat(trun[1]).isEqualTo(3);
        assertThat(Arrays.copyOfRange(trun, 3, 15)).containsExactly(
                3600, 2, 0x0200_0000, 3600,
                3600, 3, 0x0101_0000, 7200,
                3600, 1, 0x0101_0000, -3600);
    }

    @Test
    void dataOffsetsPointAtEachTracksBytesInTheMdat() {
        append(video, 0, 0, true, bytes(0xA1, 0xA2));
        video.closeAt(3600);
        append(audio, 0, 0, true, bytes(0xB1));
        append(audio, 1024, 1024, true, bytes(0xB2, 0xB3));
        audio.closeAt(2048);

        byte[] out = write(1);
        Box moof = Mp4Boxes.parse(out).get(0);

        int videoOffset = trun(moof.all("traf").get(0))[2];
        int audioOffset = trun(moof.all("traf").get(1))[2];
        assertThat(out[moof.offset() + videoOffset]).isEqualTo((byte) 0xA1);
        assertThat(out[moof.offset() + audioOffset]).isEqualTo((byte) 0xB1);
        assertThat(audioOffset).isEqualTo(moof.size() + 8 + 2);
    }

    @Test
    void openSampleWaitsForItsSuccessorAndGoesIntoTheNextFragment() {
        append(audio, 0, 0, true, bytes(1));
        append(audio, 1024, 1024, true, bytes(2));

        byte[] first = write(1);
        audio.removeClosed();
        append(audio, 2048, 2048, true, bytes(3));
        byte[] second = write(2);

        Box firstTraf = Mp4Boxes.parse(first).get(0).child("traf");
        assertThat(trun(firstTraf)[1]).isEqualTo(1);
        assertThat(Mp4Boxes.parse(first).get(1).bodyBytes()).containsExactly(1);
        Box secondTraf = Mp4Boxes.parse(second).get(0).child("traf");
        assertThat(secondTraf.child("tfdt").body().getLong(4)).isEqualTo(1024);
        assertThat(trun(secondTraf)[3]).isEqualTo(1024);
        assertThat(Mp4Boxes.parse(second).get(1).bodyBytes()).containsExactly(2);
    }

    @Test
    void nothingIsWrittenWhileNoSampleIsClosed() {
        append(video, 0, 0, true, bytes(1));

        assertThat(FragmentWriter.write(w, 1, new TrackRun[] {video, audio}, 2)).isZero();
        assertThat(w.position()).isZero();
    }

    @Test
    void decodeTimeGoingBackwardsIsRejectedNotThrown() {
        append(video, 3600, 3600, true, bytes(1));

        assertThat(video.append(0, 0, false, bytes(2), 0, 1)).isEqualTo(TrackRun.REJECTED_DTS_BACKWARDS);
        assertThat(video.count()).isEqualTo(1);
    }
}
