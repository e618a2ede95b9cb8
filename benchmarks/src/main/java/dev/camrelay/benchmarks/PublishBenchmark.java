package dev.camrelay.benchmarks;

import com.lmax.disruptor.RingBuffer;
import dev.camrelay.core.buffer.StreamBuffer;
import java.util.concurrent.TimeUnit;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.broadcast.BroadcastTransmitter;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The camera's side alone: one frame published per operation, nobody reading. A StreamBuffer writer never looks at
 * its readers, so its cost does not depend on how many there are (the fan-out benchmark shows the readers' side);
 * the broadcast transmitter has the same shape, and a Disruptor producer with no gating consumers is its floor.
 *
 * <p>Steady state allocates nothing: check {@code gc.alloc.rate.norm} with {@code -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
        "--enable-native-access=ALL-UNNAMED"})
public class PublishBenchmark {

    /** Payload sizes: an audio frame or small P-frame, a typical P-frame, a 1080p IDR. */
    @State(Scope.Thread)
    public static class Frame {
        @Param({"1024", "16384", "204800"})
        int frameSize;
        UnsafeBuffer payload;
        long sequence;

        @Setup
        public void createPayload() {
            payload = BenchmarkRings.frame(frameSize);
        }

        /** A keyframe every 30 frames, as a camera with a one-second GOP at 30 fps. */
        boolean nextIsKeyframe() {
            return sequence++ % 30 == 0;
        }
    }

    /** The floor: the same bytes copied into a region of the ring's size at a rolling, aligned offset. */
    @State(Scope.Thread)
    public static class PlainRegion {
        UnsafeBuffer region;
        int offset;

        @Setup
        public void createRegion() {
            region = new UnsafeBuffer(BufferUtil.allocateDirectAligned(BenchmarkRings.CAPACITY, 128));
        }
    }

    @State(Scope.Thread)
    public static class StreamBufferWriter {
        StreamBuffer stream;

        @Setup
        public void createStream() {
            stream = new StreamBuffer(BenchmarkRings.KEY, BenchmarkRings.FORMAT, BenchmarkRings.CAPACITY);
        }
    }

    @State(Scope.Thread)
    public static class BroadcastWriter {
        BroadcastTransmitter transmitter;

        @Setup
        public void createTransmitter() {
            transmitter = new BroadcastTransmitter(BenchmarkRings.broadcastBuffer());
        }
    }

    @State(Scope.Thread)
    public static class DisruptorWriter {
        RingBuffer<BenchmarkRings.Slot> ring;

        @Setup
        public void createRing(Frame frame) {
            ring = BenchmarkRings.disruptorRing(frame.frameSize);
        }
    }

    @Benchmark
    public int plainCopy(Frame frame, PlainRegion r) {
        int at = r.offset;
        if (at + frame.frameSize > r.region.capacity()) {
            at = 0;
        }
        r.region.putBytes(at, frame.payload, 0, frame.frameSize);
        r.offset = at + ((frame.frameSize + 7) & -8);
        return at;
    }

    @Benchmark
    public long streamBufferPublish(Frame frame, StreamBufferWriter writer) {
        // The arrival time as a network ingest passes it: read once per packet by the receive path, not by the ring.
        return writer.stream.publish(0, frame.sequence, frame.sequence, frame.nextIsKeyframe(), frame.payload, 0,
                frame.frameSize, frame.sequence);
    }

    @Benchmark
    public void agronaBroadcastTransmit(Frame frame, BroadcastWriter writer) {
        writer.transmitter.transmit(BenchmarkRings.MSG_TYPE_FRAME, frame.payload, 0, frame.frameSize);
    }

    @Benchmark
    public long disruptorPublish(Frame frame, DisruptorWriter writer) {
        RingBuffer<BenchmarkRings.Slot> ring = writer.ring;
        long sequence = ring.next();
        BenchmarkRings.Slot slot = ring.get(sequence);
        frame.payload.getBytes(0, slot.data, 0, frame.frameSize);
        slot.length = frame.frameSize;
        ring.publish(sequence);
        return sequence;
    }
}
