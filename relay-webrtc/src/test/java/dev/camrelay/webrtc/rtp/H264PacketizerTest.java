package dev.camrelay.webrtc.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class H264PacketizerTest {

    private static final int SSRC = 0x11223344;
    private static final int PT = 106;
    private static final byte[] SPS = nal(0x67, 12, 1);
    private static final byte[] PPS = nal(0x68, 4, 2);
    private static final long MS = 1_000_000L;

    private final H264Packetizer packetizer = new H264Packetizer(SSRC, PT, 65530, 0x7FFF_FF00, 1188);
    private final TestDepacketizer receiver = new TestDepacketizer(PT, SSRC);
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[1500]);

    @Test
    void roundTripRebuildsEveryNalWithParameterSetsInAStapABeforeTheIdr() {
        byte[] idr = nal(0x65, 5000, 3);
        byte[] p1 = nal(0x41, 800, 4);
        byte[] sei = nal(0x06, 20, 5);
        byte[] p2 = nal(0x41, 3000, 6);

        send(avcc(SPS, PPS, idr), 0, 1, 0);
        send(avcc(p1), 3000, 1, 33 * MS);
        send(avcc(nal(0x09, 2, 0), sei, p2), 6000, 1, 66 * MS);

        assertThat(receiver.frames).hasSize(3);
        assertThat(receiver.frames.get(0).nals()).containsExactly(SPS, PPS, idr);
        assertThat(receiver.frames.get(0).packetTypes().get(0)).isEqualTo(RtpDescriptor.NAL_STAP_A);
        assertThat(receiver.frames.get(0).packetTypes().subList(1, 6)).containsOnly(RtpDescriptor.NAL_FU_A);
        assertThat(receiver.frames.get(1).nals()).containsExactly(p1);
        assertThat(receiver.frames.get(1).packetTypes()).containsExactly(1);
        assertThat(receiver.frames.get(2).nals()).containsExactly(sei, p2);
        assertThat(receiver.payloadLengths).allMatch(len -> len <= 1188);
        assertThat(receiver.frames.get(1).timestamp() - receiver.frames.get(0).timestamp()).isEqualTo(3000);
        assertThat(receiver.frames.get(0).timestamp()).isEqualTo(0x7FFF_FF00);
    }

    @Test
    void idrWithoutInBandParameterSetsGetsTheRememberedOnes() {
        send(avcc(SPS, PPS, nal(0x65, 100, 1)), 0, 1, 0);
        byte[] idr = nal(0x65, 100, 2);

        send(avcc(idr), 3000, 1, 33 * MS);

        assertThat(receiver.frames.get(1).nals()).containsExactly(SPS, PPS, idr);
    }

    @Test
    void seededParameterSetsServeCamerasThatSendThemOutOfBand() {
        packetizer.parameterSets(SPS, PPS);
        byte[] idr = nal(0x65, 2000, 1);

        send(avcc(idr), 0, 1, 0);

        assertThat(receiver.frames.get(0).nals()).containsExactly(SPS, PPS, idr);
    }

    @Test
    void parameterSetsTooLargeToAggregateGoAsSingleNalPackets() {
        byte[] bigSps = nal(0x67, 400, 7);
        byte[] bigPps = nal(0x68, 400, 8);
        H264Packetizer small = new H264Packetizer(SSRC, PT, 0, 0, 600);
        byte[] idr = nal(0x65, 100, 9);
        byte[] au = avcc(bigSps, bigPps, idr);
        small.beginAccessUnit(new UnsafeBuffer(au), 0, au.length, 0, 1, 0);
        for (int len; (len = small.nextPacket(out, 0)) > 0; ) {
            receiver.accept(Arrays.copyOf(out.byteArray(), len));
        }

        assertThat(receiver.frames.get(0).nals()).containsExactly(bigSps, bigPps, idr);
        assertThat(receiver.frames.get(0).packetTypes()).containsExactly(7, 8, 5);
    }

    @Test
    void idrBeforeAnyParameterSetIsSkipped() {
        assertThat(begin(avcc(nal(0x65, 100, 1)), 0, 1, 0)).isEqualTo(H264Packetizer.NO_PARAMETER_SETS);
    }

    @Test
    void streamStartsOnlyAtAnIdr() {
        assertThat(begin(avcc(nal(0x41, 100, 1)), 0, 1, 0)).isEqualTo(H264Packetizer.WAITING_FOR_KEYFRAME);
        assertThat(packetizer.packetsSent()).isZero();
    }

    @Test
    void newEpochWaitsForItsIdrAndKeepsSequenceAndTimestampContinuous() {
        send(avcc(SPS, PPS, nal(0x65, 2000, 1)), 90_000, 1, 0);
        send(avcc(nal(0x41, 500, 2)), 93_000, 1, 33 * MS);
        int lastTimestamp = receiver.frames.get(1).timestamp();

        // The camera reconnected: epoch 2 restarts its clock near zero, and the first frame is not an IDR.
        assertThat(begin(avcc(nal(0x41, 500, 3)), 10, 2, 60 * MS)).isEqualTo(H264Packetizer.WAITING_FOR_KEYFRAME);
        send(avcc(SPS, PPS, nal(0x65, 2000, 4)), 20, 2, 133 * MS);
        send(avcc(nal(0x41, 500, 5)), 3020, 2, 166 * MS);

        assertThat(receiver.frames).hasSize(4);
        assertThat(receiver.frames.get(2).timestamp() - lastTimestamp).isEqualTo(9000);
        assertThat(receiver.frames.get(3).timestamp() - receiver.frames.get(2).timestamp()).isEqualTo(3000);
        // TestDepacketizer fails on any sequence gap, including across the 65535 wrap this test crosses.
        assertThat(packetizer.accessUnitsSkipped()).isEqualTo(1);
    }

    @Test
    void malformedAccessUnitIsSkippedAndTheStreamResumesAtTheNextIdr() {
        send(avcc(SPS, PPS, nal(0x65, 100, 1)), 0, 1, 0);
        byte[] broken = avcc(nal(0x41, 100, 2));
        broken[3] = (byte) 200;

        assertThat(begin(broken, 3000, 1, 33 * MS)).isEqualTo(H264Packetizer.MALFORMED_ACCESS_UNIT);
        assertThat(begin(avcc(nal(0x41, 100, 3)), 6000, 1, 66 * MS))
                .isEqualTo(H264Packetizer.WAITING_FOR_KEYFRAME);
        send(avcc(nal(0x65, 100, 4)), 9000, 1, 99 * MS);

        assertThat(receiver.frames).hasSize(2);
        assertThat(begin(new byte[] {0, 0, 0}, 0, 1, 0)).isEqualTo(H264Packetizer.MALFORMED_ACCESS_UNIT);
        assertThat(begin(new byte[] {0, 0, 0, 0}, 0, 1, 0)).isEqualTo(H264Packetizer.MALFORMED_ACCESS_UNIT);
    }

    @Test
    void randomAccessUnitsSurviveTheRoundTripWithEveryPayloadWithinBudget() {
        Random random = new Random(6184);
        H264Packetizer small = new H264Packetizer(SSRC, PT, random.nextInt(), random.nextInt(), 300);
        TestDepacketizer rx = new TestDepacketizer(PT, SSRC);
        List<List<byte[]>> sent = new ArrayList<>();
        long pts = 0;
        for (int au = 0; au < 300; au++) {
            List<byte[]> nals = new ArrayList<>();
            if (au % 30 == 0) {
                nals.add(SPS);
                nals.add(PPS);
                nals.add(nal(0x65, 1 + random.nextInt(20_000), au));
            } else {
                for (int n = random.nextInt(3) + 1; n > 0; n--) {
                    nals.add(nal(0x41, 1 + random.nextInt(random.nextBoolean() ? 299 : 5000), au));
                }
            }
            byte[] avcc = avcc(nals.toArray(new byte[0][]));
            assertThat(small.beginAccessUnit(new UnsafeBuffer(avcc), 0, avcc.length, pts, 1, pts * 11_111))
                    .isEqualTo(H264Packetizer.READY);
            for (int len; (len = small.nextPacket(out, 0)) > 0; ) {
                rx.accept(Arrays.copyOf(out.byteArray(), len));
            }
            sent.add(au % 30 == 0 ? List.of(SPS, PPS, nals.get(2)) : nals);
            pts += 3000;
        }
        assertThat(rx.frames).hasSize(300);
        for (int i = 0; i < 300; i++) {
            assertThat(rx.frames.get(i).nals()).containsExactlyElementsOf(sent.get(i));
        }
        assertThat(rx.payloadLengths).allMatch(len -> len <= 300);
    }

    @Test
    void garbageAccessUnitsNeverThrowAndNeverOverrunThePayloadBudget() {
        Random random = new Random(3550);
        packetizer.parameterSets(SPS, PPS);
        for (int i = 0; i < 20_000; i++) {
            byte[] au = random.nextBoolean() ? avcc(nal(0x65, 1 + random.nextInt(3000), i)) : new byte[0];
            if (au.length == 0 || random.nextBoolean()) {
                au = new byte[random.nextInt(64)];
                random.nextBytes(au);
            } else {
                au[random.nextInt(au.length)] = (byte) random.nextInt();
            }
            if (begin(au, i * 3000L, 1, i * 33 * MS) == H264Packetizer.READY) {
                for (int len; (len = packetizer.nextPacket(out, 0)) > 0; ) {
                    assertThat(len).isLessThanOrEqualTo(RtpDescriptor.MAX_PACKET_LENGTH);
                }
            } else {
                assertThat(packetizer.nextPacket(out, 0)).isEqualTo(H264Packetizer.DONE);
            }
        }
    }

    @Test
    void packetizingAllocatesNothingPerPacket() {
        byte[] keyframe = avcc(SPS, PPS, nal(0x65, 30_000, 1));
        byte[] delta = avcc(nal(0x41, 4_000, 2));
        UnsafeBuffer key = new UnsafeBuffer(keyframe);
        UnsafeBuffer p = new UnsafeBuffer(delta);
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long packets = 0;
        for (int round = 0; round < 2; round++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int au = 0; au < 5_000; au++) {
                UnsafeBuffer src = au % 50 == 0 ? key : p;
                packetizer.beginAccessUnit(src, 0, src.capacity(), au * 3000L, 1, au * 33 * MS);
                while (packetizer.nextPacket(out, 0) > 0) {
                    packets++;
                }
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            if (round == 1) {
                assertThat(allocated).as("bytes allocated for %d packets", packets).isLessThan(1024);
            }
        }
    }

    private int begin(byte[] au, long pts, long epoch, long now) {
        return packetizer.beginAccessUnit(new UnsafeBuffer(au), 0, au.length, pts, epoch, now);
    }

    private void send(byte[] au, long pts, long epoch, long now) {
        assertThat(begin(au, pts, epoch, now)).isEqualTo(H264Packetizer.READY);
        for (int len; (len = packetizer.nextPacket(out, 0)) > 0; ) {
            assertThat(len).isLessThanOrEqualTo(RtpDescriptor.MAX_PACKET_LENGTH);
            receiver.accept(Arrays.copyOf(out.byteArray(), len));
        }
    }

    static byte[] nal(int header, int length, int seed) {
        byte[] nal = new byte[length];
        nal[0] = (byte) header;
        Random random = new Random(seed * 31L + length);
        for (int i = 1; i < length; i++) {
            nal[i] = (byte) random.nextInt();
        }
        return nal;
    }

    static byte[] avcc(byte[]... nals) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] nal : nals) {
            out.write(nal.length >>> 24);
            out.write(nal.length >>> 16);
            out.write(nal.length >>> 8);
            out.write(nal.length);
            out.writeBytes(nal);
        }
        return out.toByteArray();
    }
}
