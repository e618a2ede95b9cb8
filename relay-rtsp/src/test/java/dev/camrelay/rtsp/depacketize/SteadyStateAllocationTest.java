package dev.camrelay.rtsp.depacketize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.camrelay.core.testing.ThreadAllocation;
import dev.camrelay.rtsp.receive.RtpTrackReceiver;
import dev.camrelay.rtsp.rtp.RtpPacket;
import dev.camrelay.rtsp.rtp.TestRtp;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * The receive path allocates nothing per packet once warm: measured with the JVM's per-thread allocation counter
 * over many rounds of prebuilt packets (JMH {@code -prof gc} in the benchmarks module is the finer tool).
 */
class SteadyStateAllocationTest {

    private static final int ROUNDS = 200;
    private static final int WARMUP_ROUNDS = 300;
    private static final int WINDOWS = 3;

    private static final class CountingSink implements AccessUnitSink {
        long units;
        long bytes;

        @Override
        public void onAccessUnit(int track, long pts, long dts, boolean keyframe, DirectBuffer buffer, int offset,
                                 int length) {
            units++;
            bytes += length + buffer.getByte(offset);
        }
    }

    /** Bytes allocated per packet: the least of {@link #WINDOWS} windows of {@link #ROUNDS} rounds each. */
    private static double bytesPerPacket(int packetsPerRound, Runnable round) {
        return ThreadAllocation.leastBytesPerOp(WARMUP_ROUNDS, ROUNDS, WINDOWS, packetsPerRound, round);
    }

    /** A GOP of synthetic H.264 frames, packetized with STAP-A, FU-A and single NAL units, as RTP byte arrays. */
    private static List<byte[]> gop(int firstSequence) {
        H264TestPacketizer packetizer = new H264TestPacketizer(1200, firstSequence);
        List<byte[]> packets = new ArrayList<>();
        for (int f = 0; f < 25; f++) {
            List<byte[]> nals = f == 0
                    ? List.of(H264DepacketizerTest.SPS, H264DepacketizerTest.PPS,
                            H264DepacketizerTest.slice(5, 20_000, f))
                    : List.of(H264DepacketizerTest.slice(1, f % 3 == 0 ? 300 : 4000, f));
            packets.addAll(packetizer.packetize(nals, 3600L * f));
        }
        return packets;
    }

    @Test
    void h264DepacketizerAllocatesNothingPerPacket() {
        CountingSink sink = new CountingSink();
        H264Depacketizer depacketizer = new H264Depacketizer(0, sink);
        List<byte[]> raw = gop(0);
        UnsafeBuffer[] buffers = raw.stream().map(UnsafeBuffer::new).toArray(UnsafeBuffer[]::new);
        RtpPacket packet = new RtpPacket();
        int[] sequence = {0};
        long[] timestampBase = {0};
        // Rewrite sequence numbers and timestamps in place so every round continues the stream.
        Runnable round = () -> {
            for (UnsafeBuffer b : buffers) {
                b.putShort(2, (short) sequence[0]++, ByteOrder.BIG_ENDIAN);
                int ts = b.getInt(4, ByteOrder.BIG_ENDIAN);
                b.putInt(4, (int) (ts % 90_000 + timestampBase[0]), ByteOrder.BIG_ENDIAN);
                packet.wrap(b, 0, b.capacity());
                depacketizer.onPacket(packet);
            }
            timestampBase[0] += 90_000;
        };
        double perPacket = bytesPerPacket(buffers.length, round);
        assertThat(depacketizer.accessUnitsDropped()).isZero();
        assertThat(depacketizer.accessUnitsPublished()).isGreaterThan(ROUNDS * 24L);
        assertThat(perPacket).as("bytes allocated per packet").isLessThan(1.0);
    }

    @Test
    void udpReceivePathWithReorderingAllocatesNothingPerPacket() {
        CountingSink sink = new CountingSink();
        H264Depacketizer depacketizer = new H264Depacketizer(0, sink);
        RtpTrackReceiver receiver = new RtpTrackReceiver(90_000, depacketizer, true);
        List<byte[]> raw = gop(0);
        // Swap neighbours here and there: the reorder buffer has to hold and release.
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            order.add(i);
        }
        Random random = new Random(42);
        for (int i = 1; i < order.size(); i += 5) {
            if (random.nextBoolean()) {
                Collections.swap(order, i, i - 1);
            }
        }
        UnsafeBuffer[] buffers = new UnsafeBuffer[raw.size()];
        int[] frameTimestamps = new int[raw.size()];
        for (int i = 0; i < raw.size(); i++) {
            buffers[i] = new UnsafeBuffer(raw.get(order.get(i)).clone());
            frameTimestamps[i] = buffers[i].getInt(4, ByteOrder.BIG_ENDIAN);
        }
        int[] baseSequence = {0};
        long[] now = {0};
        Runnable round = () -> {
            for (int i = 0; i < buffers.length; i++) {
                UnsafeBuffer b = buffers[i];
                int original = order.get(i);
                b.putShort(2, (short) (baseSequence[0] + original), ByteOrder.BIG_ENDIAN);
                b.putInt(4, (int) (now[0] / 11_111 + frameTimestamps[i]), ByteOrder.BIG_ENDIAN);
                receiver.onRtp(b, 0, b.capacity(), now[0]);
            }
            baseSequence[0] += buffers.length;
            now[0] += 1_000_000_000L;
        };
        double perPacket = bytesPerPacket(buffers.length, round);
        assertThat(receiver.packetsLost()).isZero();
        assertThat(depacketizer.lossEvents()).isZero();
        assertThat(depacketizer.accessUnitsDropped()).isZero();
        assertThat(depacketizer.accessUnitsPublished()).isGreaterThan(ROUNDS * 24L);
        assertThat(perPacket).as("bytes allocated per packet").isLessThan(1.0);
    }

    @Test
    void aacDepacketizerAllocatesNothingPerPacket() {
        CountingSink sink = new CountingSink();
        AacDepacketizer depacketizer = new AacDepacketizer(1, sink, 13, 3, 3, 1024, false);
        byte[] payload = new byte[2 + 6 + 600];
        payload[1] = 48; // three 16-bit AU headers
        for (int i = 0; i < 3; i++) {
            int h = 200 << 3;
            payload[2 + 2 * i] = (byte) (h >> 8);
            payload[3 + 2 * i] = (byte) h;
        }
        UnsafeBuffer b = new UnsafeBuffer(TestRtp.packet(0, 0, true, payload));
        RtpPacket packet = new RtpPacket();
        int[] sequence = {0};
        Runnable round = () -> {
            for (int i = 0; i < 10; i++) {
                b.putShort(2, (short) sequence[0], ByteOrder.BIG_ENDIAN);
                b.putInt(4, sequence[0]++ * 3072, ByteOrder.BIG_ENDIAN);
                packet.wrap(b, 0, b.capacity());
                depacketizer.onPacket(packet);
            }
        };
        double perPacket = bytesPerPacket(10, round);
        assertThat(depacketizer.accessUnitsPublished()).isEqualTo(3L * 10 * (WINDOWS * ROUNDS + WARMUP_ROUNDS));
        assertThat(perPacket).as("bytes allocated per packet").isLessThan(1.0);
    }

    @Test
    void latmDepacketizerAllocatesNothingPerPacketFragmentedOrNot() {
        CountingSink sink = new CountingSink();
        LatmDepacketizer depacketizer = new LatmDepacketizer(1, sink, LatmFmtpTestValues.STEREO_48K, 48_000, false);
        // A 600-byte frame in two fragments (255 + 255 + 90 = 600), then a 200-byte one in a single packet.
        byte[] first = new byte[3 + 300];
        first[0] = (byte) 255;
        first[1] = (byte) 255;
        first[2] = 90;
        byte[] second = new byte[300];
        byte[] single = new byte[1 + 200];
        single[0] = (byte) 200;
        UnsafeBuffer[] packets = {new UnsafeBuffer(TestRtp.packet(0, 0, false, first)),
            new UnsafeBuffer(TestRtp.packet(0, 0, true, second)), new UnsafeBuffer(TestRtp.packet(0, 0, true, single))};
        RtpPacket packet = new RtpPacket();
        int[] sequence = {0};
        int[] frame = {0};
        Runnable round = () -> {
            for (int i = 0; i < 10; i++) {
                for (int k = 0; k < packets.length; k++) {
                    UnsafeBuffer b = packets[k];
                    b.putShort(2, (short) sequence[0]++, ByteOrder.BIG_ENDIAN);
                    b.putInt(4, (frame[0] + (k == 2 ? 1 : 0)) * 1024, ByteOrder.BIG_ENDIAN);
                    packet.wrap(b, 0, b.capacity());
                    depacketizer.onPacket(packet);
                }
                frame[0] += 2;
            }
        };
        double perPacket = bytesPerPacket(30, round);
        // Two frames a round of ten times three packets, less the first element (dropped at the start).
        assertThat(depacketizer.accessUnitsPublished()).isEqualTo(2L * 10 * (WINDOWS * ROUNDS + WARMUP_ROUNDS) - 1);
        assertThat(perPacket).as("bytes allocated per packet").isLessThan(1.0);
    }
}
