package dev.camrelay.hls.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.camrelay.core.media.Codec;
import dev.camrelay.core.media.StreamFormat;
import dev.camrelay.core.media.TrackFormat;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class CodecStringsTest {

    private static final byte[] SPS = {0x67, 0x64, 0x00, 0x1f, (byte) 0xac};
    private static final byte[] PPS = {0x68, (byte) 0xeb};

    /** An H.265 Main, level 3.1 SPS for 320x240 4:2:0 8-bit, built bit by bit, with emulation prevention. */
    static byte[] hevcMainSps() {
        Bits b = new Bits();
        b.put(0x4201, 16);                 // NAL header: type 33 (SPS)
        b.put(0, 4).put(0, 3).put(1, 1);   // vps id, max_sub_layers_minus1 = 0, temporal_id_nesting
        b.put(0, 2).put(0, 1).put(1, 5);   // profile space, tier Main, profile_idc 1 (Main)
        b.put(0x6000_0000L, 32);           // compatible with profiles 1 and 2
        b.put(0x9000_0000_0000L, 48);      // progressive_source, frame_only_constraint
        b.put(93, 8);                      // level 3.1
        b.ue(0).ue(1).ue(320).ue(240).put(0, 1).ue(0).ue(0);
        b.ue(4).put(1, 1).ue(0).ue(0).ue(0); // POC lsb bits, sub-layer ordering: buffering, reorder, latency
        b.ue(0).ue(0).ue(0).ue(0).ue(0).ue(0); // coding and transform block sizes and depths
        b.put(0, 1).put(0, 2).put(0, 1);   // no scaling lists, no AMP/SAO, no PCM
        b.ue(0).put(0, 1).put(0, 2);       // no short-term RPS, no long-term pictures, no TMVP/smoothing
        b.put(0, 1);                       // no VUI
        b.put(1, 1);                       // enough trailing bits
        return b.escaped();
    }

    @Test
    void avc1StringIsTheHexOfSpsProfileConstraintAndLevelBytes() {
        TrackFormat video = TrackFormat.video(0, Codec.H264, "High", "3.1", 1280, 720, 25, List.of(SPS, PPS));

        assertThat(CodecStrings.of(video)).isEqualTo("avc1.64001f");
    }

    @Test
    void aacLowComplexityIsMp4a402AndHeAacIsMp4a405() {
        assertThat(CodecStrings.of(TrackFormat.audio(1, Codec.AAC, 48_000, 2, List.of(new byte[] {0x11, (byte) 0x90}))))
                .isEqualTo("mp4a.40.2");
        assertThat(CodecStrings.of(TrackFormat.audio(1, Codec.AAC, 48_000, 2, List.of(new byte[] {0x2B, 0x11}))))
                .isEqualTo("mp4a.40.5");
    }

    @Test
    void hvc1StringFollowsIso14496Dash15AnnexE() {
        TrackFormat video = TrackFormat.video(0, Codec.H265, "Main", "3.1", 320, 240, 25,
                List.of(new byte[] {0x40, 0x01}, hevcMainSps(), new byte[] {0x44, 0x01}));

        assertThat(CodecStrings.of(video)).isEqualTo("hvc1.1.6.L93.90");
    }

    @Test
    void hevcSpsParserReadsChromaFormatAndBitDepthPastEmulationPrevention() {
        HevcSpsInfo info = HevcSpsInfo.parse(hevcMainSps());

        assertThat(info.profileIdc()).isEqualTo(1);
        assertThat(info.levelIdc()).isEqualTo(93);
        assertThat(info.chromaFormatIdc()).isEqualTo(1);
        assertThat(info.bitDepthLumaMinus8()).isZero();
        assertThat(info.temporalIdNesting()).isTrue();
    }

    @Test
    void truncatedHevcSpsIsRefusedWithIllegalArgument() {
        assertThatThrownBy(() -> HevcSpsInfo.parse(new byte[] {0x42, 0x01, 0x01}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void streamCodecsListVideoFirstAndLeaveOutG711() {
        StreamFormat format = new StreamFormat(List.of(
                TrackFormat.audio(0, Codec.OPUS, 48_000, 2, List.of()),
                TrackFormat.audio(1, Codec.PCMU, 8_000, 1, List.of()),
                TrackFormat.video(2, Codec.H264, "", "", 320, 240, 25, List.of(SPS, PPS))));

        assertThat(CodecStrings.of(format)).isEqualTo("avc1.64001f,opus");
    }

    /** MSB-first bit builder for hand-made parameter sets. */
    static final class Bits {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private int current;
        private int filled;

        Bits put(long value, int count) {
            for (int i = count - 1; i >= 0; i--) {
                current = (current << 1) | (int) ((value >>> i) & 1);
                if (++filled == 8) {
                    out.write(current);
                    current = 0;
                    filled = 0;
                }
            }
            return this;
        }

        Bits ue(int value) {
            int v = value + 1;
            int bits = 32 - Integer.numberOfLeadingZeros(v);
            return put(0, bits - 1).put(v, bits);
        }

        /** The bytes, padded with zero bits, with 0x03 inserted after two zero bytes before a byte &lt;= 3. */
        byte[] escaped() {
            if (filled > 0) {
                put(0, 8 - filled);
            }
            ByteArrayOutputStream escaped = new ByteArrayOutputStream();
            int zeros = 0;
            for (byte x : out.toByteArray()) {
                if (zeros >= 2 && (x & 0xFF) <= 3) {
                    escaped.write(3);
                    zeros = 0;
                }
                escaped.write(x);
                zeros = x == 0 ? zeros + 1 : 0;
            }
            return escaped.toByteArray();
        }
    }
}
