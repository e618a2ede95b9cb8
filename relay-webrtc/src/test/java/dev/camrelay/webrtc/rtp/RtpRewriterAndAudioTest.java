package dev.camrelay.webrtc.rtp;

import static java.nio.ByteOrder.BIG_ENDIAN;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class RtpRewriterAndAudioTest {

    private static final int HR = RtpRewriter.HEADROOM;

    /** A plain packet at HEADROOM: marker set, PT 96, seq 0x1234, ts 0x01020304, SSRC 0xCAFEBABE, payload 1..20. */
    private static UnsafeBuffer plainPacket() {
        UnsafeBuffer b = new UnsafeBuffer(new byte[128]);
        b.putByte(HR, (byte) 0x80);
        b.putByte(HR + 1, (byte) (0x80 | 96));
        b.putShort(HR + 2, (short) 0x1234, BIG_ENDIAN);
        b.putInt(HR + 4, 0x01020304, BIG_ENDIAN);
        b.putInt(HR + 8, 0xCAFEBABE, BIG_ENDIAN);
        for (int i = 0; i < 20; i++) {
            b.putByte(HR + 12 + i, (byte) (i + 1));
        }
        return b;
    }

    private static byte[] payload(UnsafeBuffer b, int at, int length) {
        byte[] out = new byte[length];
        b.getBytes(at, out);
        return out;
    }

    private static byte[] expectedPayload() {
        byte[] p = new byte[20];
        for (int i = 0; i < 20; i++) {
            p[i] = (byte) (i + 1);
        }
        return p;
    }

    @Test
    void transportSequenceIsAOneByteHeaderExtensionInFrontOfTheUnmovedPayload() {
        UnsafeBuffer b = plainPacket();

        int start = RtpRewriter.addTransportSequence(b, 3, 0xABCD);

        assertThat(start).isEqualTo(HR - 8);
        assertThat(b.getByte(start) & 0xFF).as("V=2 with X").isEqualTo(0x90);
        assertThat(b.getByte(start + 1) & 0xFF).isEqualTo(0x80 | 96);
        assertThat(b.getShort(start + 2, BIG_ENDIAN) & 0xFFFF).isEqualTo(0x1234);
        assertThat(b.getInt(start + 4, BIG_ENDIAN)).isEqualTo(0x01020304);
        assertThat(b.getInt(start + 8, BIG_ENDIAN)).isEqualTo(0xCAFEBABE);
        assertThat(payload(b, start + 12, 8)).containsExactly(0xBE, 0xDE, 0, 1, 0x31, 0xAB, 0xCD, 0);
        assertThat(payload(b, start + 20, 20)).containsExactly(expectedPayload());
    }

    @Test
    void rtxCarriesTheOriginalSequenceNumberBeforeThePayloadWithAndWithoutTheExtension() {
        UnsafeBuffer b = plainPacket();
        int start = RtpRewriter.toRtx(b, 32, 0x0BADF00D, 97, 7, 0, 0);
        int length = RtpRewriter.rtxLength(32, false);

        assertThat(length).isEqualTo(34);
        assertThat(b.getByte(start) & 0xFF).isEqualTo(0x80);
        assertThat(b.getByte(start + 1) & 0xFF).as("marker kept, RTX PT").isEqualTo(0x80 | 97);
        assertThat(b.getShort(start + 2, BIG_ENDIAN)).isEqualTo((short) 7);
        assertThat(b.getInt(start + 4, BIG_ENDIAN)).as("original timestamp").isEqualTo(0x01020304);
        assertThat(b.getInt(start + 8, BIG_ENDIAN)).isEqualTo(0x0BADF00D);
        assertThat(b.getShort(start + 12, BIG_ENDIAN) & 0xFFFF).as("OSN").isEqualTo(0x1234);
        assertThat(payload(b, start + 14, 20)).containsExactly(expectedPayload());

        UnsafeBuffer c = plainPacket();
        int withExtension = RtpRewriter.toRtx(c, 32, 0x0BADF00D, 97, 8, 5, 0x0102);
        assertThat(withExtension).isZero();
        assertThat(c.getByte(0) & 0xFF).isEqualTo(0x90);
        assertThat(payload(c, 12, 8)).containsExactly(0xBE, 0xDE, 0, 1, 0x51, 0x01, 0x02, 0);
        assertThat(c.getShort(20, BIG_ENDIAN) & 0xFFFF).isEqualTo(0x1234);
        assertThat(payload(c, 22, 20)).containsExactly(expectedPayload());
        assertThat(RtpRewriter.rtxLength(32, true)).isEqualTo(42);
    }

    @Test
    void g711FramesAreSplitIntoTwentyMillisecondPacketsWithContinuousTimestamps() {
        AudioPacketizer p = new AudioPacketizer(0x1111, 0, false, 8000, 100, 5000, 1172);
        UnsafeBuffer frame = new UnsafeBuffer(new byte[400]); // 50 ms of 8 kHz G.711
        UnsafeBuffer out = new UnsafeBuffer(new byte[1500]);

        assertThat(p.beginFrame(frame, 0, 400, 0, 1, 0)).isEqualTo(AudioPacketizer.READY);
        int[] lengths = new int[4];
        int[] timestamps = new int[4];
        int[] sequences = new int[4];
        int n = 0;
        int length;
        while ((length = p.nextPacket(out, 0)) != AudioPacketizer.DONE) {
            lengths[n] = length;
            timestamps[n] = out.getInt(4, BIG_ENDIAN);
            sequences[n] = out.getShort(2, BIG_ENDIAN);
            if (n == 0) {
                assertThat(out.getByte(1) & 0x80).as("marker on the first packet").isEqualTo(0x80);
            } else {
                assertThat(out.getByte(1) & 0x80).isZero();
            }
            n++;
        }
        assertThat(n).isEqualTo(3);
        assertThat(Arrays.copyOf(lengths, 3)).containsExactly(172, 172, 92);
        assertThat(Arrays.copyOf(timestamps, 3)).containsExactly(5000, 5160, 5320);
        assertThat(Arrays.copyOf(sequences, 3)).containsExactly(100, 101, 102);

        // A new epoch 1 s later (wall time) whose pts restart at 0: the RTP clock advances by the wall time.
        assertThat(p.beginFrame(frame, 0, 160, 0, 2, 1_000_000_000L)).isEqualTo(AudioPacketizer.READY);
        assertThat(p.nextPacket(out, 0)).isEqualTo(172);
        assertThat(out.getInt(4, BIG_ENDIAN)).isEqualTo(5400 + 8000);
        assertThat(out.getShort(2, BIG_ENDIAN)).isEqualTo((short) 103);
        assertThat(out.getByte(1) & 0x80).as("marker after an epoch change").isEqualTo(0x80);
    }

    @Test
    void opusPacketsPassThroughOneToOneAndOversizeOnesAreSkipped() {
        AudioPacketizer p = new AudioPacketizer(0x2222, 111, true, 48_000, 0, 0, 1172);
        UnsafeBuffer frame = new UnsafeBuffer(new byte[1300]);
        UnsafeBuffer out = new UnsafeBuffer(new byte[1500]);

        assertThat(p.beginFrame(frame, 0, 80, 960, 1, 0)).isEqualTo(AudioPacketizer.READY);
        assertThat(p.nextPacket(out, 0)).isEqualTo(92);
        assertThat(p.nextPacket(out, 0)).isEqualTo(AudioPacketizer.DONE);
        assertThat(out.getByte(1) & 0x7F).isEqualTo(111);
        assertThat(p.beginFrame(frame, 0, 80, 1920, 1, 20_000_000L)).isEqualTo(AudioPacketizer.READY);
        assertThat(p.nextPacket(out, 0)).isEqualTo(92);
        assertThat(out.getInt(4, BIG_ENDIAN)).as("20 ms later at 48 kHz").isEqualTo(960);
        assertThat(p.beginFrame(frame, 0, 1300, 2880, 1, 0)).isEqualTo(AudioPacketizer.TOO_LARGE);
        assertThat(p.nextPacket(out, 0)).isEqualTo(AudioPacketizer.DONE);
        assertThat(p.framesSkipped()).isEqualTo(1);
    }
}
