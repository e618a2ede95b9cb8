package dev.camrelay.benchmarks;

import dev.camrelay.rtsp.depacketize.AccessUnitSink;
import dev.camrelay.rtsp.depacketize.H264Depacketizer;
import dev.camrelay.rtsp.rtp.RtpPacket;
import dev.camrelay.webrtc.dtls.SrtpProfile;
import dev.camrelay.webrtc.rtp.H264Packetizer;
import dev.camrelay.webrtc.rtp.RtpRewriter;
import dev.camrelay.webrtc.srtp.SrtpTransform;
import dev.camrelay.webrtc.srtp.SrtpTransforms;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The H.264 RTP paths per packet, one core: depacketizing (RFC 6184 FU-A/STAP-A into whole AVCC access units, the
 * ingest side) and packetizing (access units into FU-A/STAP-A packets of at most 1188 bytes, the WebRTC side).
 * One operation is one RTP packet; packets per second per core = 1e9 / score. Steady state allocates nothing:
 * check {@code gc.alloc.rate.norm} with {@code -prof gc}.
 *
 * <p>The depacketizer is fed the packetizer's own output for one synthetic GOP (a 60 KiB IDR and 24 P-frames of
 * 8 KiB, about 2 Mbit/s at 25 fps), looped with sequence numbers and timestamps rewritten so that it sees one
 * endless, loss-free stream.
 *
 * <p>The WebRTC sender's whole per-packet path is measured too: SRTP protect alone of a 1200-byte packet, and
 * packetize + transport-wide sequence extension + SRTP protect, for both SRTP profiles (AES-CM-128 with
 * HMAC-SHA1-80, RFC 3711; AEAD AES-128-GCM, RFC 7714).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
        "--enable-native-access=ALL-UNNAMED"})
public class H264RtpBenchmark {

    static final int GOP_FRAMES = 25;
    static final int MAX_PAYLOAD = 1188;
    static final int FRAME_TICKS = 3600;

    @State(Scope.Thread)
    public static class Ingest {
        UnsafeBuffer packets;
        int[] offsets;
        int[] lengths;
        long[] timestamps;
        int next;
        int sequence;
        long cycleTicks;
        long cycle;
        final RtpPacket packet = new RtpPacket();
        final CountingSink sink = new CountingSink();
        H264Depacketizer depacketizer;

        @Setup
        public void packetizeOneGop() {
            List<UnsafeBuffer> gop = SyntheticGop.accessUnits(GOP_FRAMES, 60 * 1024, 8 * 1024, 7);
            H264Packetizer packetizer = new H264Packetizer(0x1234, 96, 0, 0, MAX_PAYLOAD);
            UnsafeBuffer all = new UnsafeBuffer(new byte[4 << 20]);
            int count = 0;
            int at = 0;
            int[] offs = new int[4096];
            int[] lens = new int[4096];
            long[] ts = new long[4096];
            for (int i = 0; i < gop.size(); i++) {
                UnsafeBuffer au = gop.get(i);
                packetizer.beginAccessUnit(au, 0, au.capacity(), (long) i * FRAME_TICKS, 1, 0);
                int n;
                while ((n = packetizer.nextPacket(all, at)) > 0) {
                    offs[count] = at;
                    lens[count] = n;
                    ts[count] = (long) i * FRAME_TICKS;
                    count++;
                    at += n;
                }
            }
            packets = all;
            offsets = Arrays.copyOf(offs, count);
            lengths = Arrays.copyOf(lens, count);
            timestamps = Arrays.copyOf(ts, count);
            cycleTicks = (long) GOP_FRAMES * FRAME_TICKS;
            depacketizer = new H264Depacketizer(0, sink);
        }

        /** The figure means nothing unless whole access units came out and none was dropped. */
        @TearDown
        public void checkEveryAccessUnitCameOut() {
            if (depacketizer.accessUnitsPublished() < GOP_FRAMES || depacketizer.accessUnitsDropped() != 0
                    || depacketizer.lossEvents() != 0 || depacketizer.counts().malformed() != 0) {
                throw new IllegalStateException("depacketizer published " + depacketizer.accessUnitsPublished()
                        + ", dropped " + depacketizer.accessUnitsDropped() + ", losses " + depacketizer.lossEvents()
                        + ", malformed " + depacketizer.counts().malformed());
            }
        }
    }

    @State(Scope.Thread)
    public static class Egress {
        List<UnsafeBuffer> gop;
        int frame;
        long pts;
        final UnsafeBuffer out = new UnsafeBuffer(new byte[1500]);
        H264Packetizer packetizer;

        @Setup
        public void createPacketizer() {
            gop = SyntheticGop.accessUnits(GOP_FRAMES, 60 * 1024, 8 * 1024, 7);
            packetizer = new H264Packetizer(0x1234, 96, 0, 0, MAX_PAYLOAD);
        }
    }

    @State(Scope.Thread)
    public static class Protect {
        @Param({"AES128_CM_HMAC_SHA1_80", "AEAD_AES_128_GCM"})
        SrtpProfile profile;
        /** RTP payload of the protect-only case: a full packet as the sender writes them. */
        static final int PAYLOAD = 1162;
        final byte[] packet = new byte[1500];
        final UnsafeBuffer packetView = new UnsafeBuffer(packet);
        SrtpTransform srtp;
        H264Packetizer packetizer;
        List<UnsafeBuffer> gop;
        int frame;
        long pts;
        int sequence;
        int transportSequence;

        @Setup
        public void keys() {
            byte[] key = new byte[16];
            byte[] salt = new byte[profile == SrtpProfile.AEAD_AES_128_GCM ? 12 : 14];
            Arrays.fill(key, (byte) 7);
            Arrays.fill(salt, (byte) 9);
            srtp = SrtpTransforms.create(profile, key, salt);
            packet[0] = (byte) 0x80;
            packet[1] = 96;
            gop = SyntheticGop.accessUnits(GOP_FRAMES, 60 * 1024, 8 * 1024, 7);
            packetizer = new H264Packetizer(0x1234, 96, 0, 0, PAYLOAD);
        }
    }

    /** SRTP protect of one full packet (12-byte header + 1162-byte payload), sequence numbers advancing. */
    @Benchmark
    public int protectOnePacket(Protect s) {
        s.packetView.putShort(2, (short) s.sequence++, ByteOrder.BIG_ENDIAN);
        return s.srtp.protectRtp(s.packet, 0, 12 + Protect.PAYLOAD);
    }

    /** The sender's per-packet path: packetize, add the transport-wide sequence number, SRTP protect. */
    @Benchmark
    public int packetizeNumberAndProtectOnePacket(Protect s) {
        int n = s.packetizer.nextPacket(s.packetView, RtpRewriter.HEADROOM);
        while (n <= 0) {
            UnsafeBuffer au = s.gop.get(s.frame);
            s.packetizer.beginAccessUnit(au, 0, au.capacity(), s.pts, 1, 0);
            s.pts += FRAME_TICKS;
            s.frame = (s.frame + 1) % s.gop.size();
            n = s.packetizer.nextPacket(s.packetView, RtpRewriter.HEADROOM);
        }
        int start = RtpRewriter.addTransportSequence(s.packetView, 3, s.transportSequence++);
        return s.srtp.protectRtp(s.packet, start, n + RtpRewriter.TRANSPORT_CC_EXTENSION_LENGTH);
    }

    @Benchmark
    public int depacketizeOnePacket(Ingest s) {
        int i = s.next;
        int offset = s.offsets[i];
        s.packets.putShort(offset + 2, (short) s.sequence++, ByteOrder.BIG_ENDIAN);
        s.packets.putInt(offset + 4, (int) (s.timestamps[i] + s.cycle * s.cycleTicks), ByteOrder.BIG_ENDIAN);
        s.packet.wrap(s.packets, offset, s.lengths[i]);
        int status = s.depacketizer.onPacket(s.packet);
        if (++s.next == s.offsets.length) {
            s.next = 0;
            s.cycle++;
        }
        return status + s.sink.frames;
    }

    @Benchmark
    public int packetizeOnePacket(Egress s) {
        int n = s.packetizer.nextPacket(s.out, 0);
        while (n <= 0) {
            UnsafeBuffer au = s.gop.get(s.frame);
            s.packetizer.beginAccessUnit(au, 0, au.capacity(), s.pts, 1, 0);
            s.pts += FRAME_TICKS;
            s.frame = (s.frame + 1) % s.gop.size();
            n = s.packetizer.nextPacket(s.out, 0);
        }
        return n;
    }

    /** Counts whole access units; touches the last byte so the work is not dead code. */
    static final class CountingSink implements AccessUnitSink {
        int frames;

        @Override
        public void onAccessUnit(int track, long pts, long dts, boolean keyframe, DirectBuffer buffer, int offset,
                                 int length) {
            frames += 1 + (buffer.getByte(offset + length - 1) & 1);
        }
    }
}
