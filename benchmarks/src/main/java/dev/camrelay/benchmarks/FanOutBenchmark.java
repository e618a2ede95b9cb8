package dev.camrelay.benchmarks;

import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.RingBuffer;
import dev.camrelay.core.buffer.FrameView;
import dev.camrelay.core.buffer.StreamBuffer;
import dev.camrelay.core.buffer.StreamReader;
import java.util.concurrent.TimeUnit;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.broadcast.BroadcastReceiver;
import org.agrona.concurrent.broadcast.BroadcastTransmitter;
import org.agrona.concurrent.broadcast.CopyBroadcastReceiver;
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
 * One operation = one frame reaching N viewers: the writer publishes it once and each of N readers copies it into
 * its own memory. Everything runs on the benchmark thread (publish, then reader 1..N), which measures the work per
 * frame and per reader without cross-core handoff noise; divide by {@code readers} for the per-reader cost.
 *
 * <ul>
 * <li>{@code streamBuffer}: {@link StreamBuffer#publish} + N {@link StreamReader#poll()} (copy out, validate the
 * copy against the tail intent, check provenance and sequence);</li>
 * <li>{@code plainCopy}: the floor, N {@code UnsafeBuffer.putBytes} of the frame into reader-owned buffers;</li>
 * <li>{@code agronaBroadcast}: {@link BroadcastTransmitter#transmit} + N {@link CopyBroadcastReceiver#receive}, the
 * design StreamBuffer follows, without provenance, keyframe resync or whole-record validation of the header;</li>
 * <li>{@code disruptor}: claim/copy/publish into a ring of byte[] slots + N {@link EventPoller}s each copying the
 * slot out. The pollers are gating sequences, so this is the Disruptor's real contract (the producer would wait
 * for the slowest viewer); here they always keep up, so the producer never waits and the number is the cost of
 * the same work: one copy in, N copies out, sequence bookkeeping. Event-handler threads would add a handoff per
 * reader and, on this 2-core box, measure the scheduler instead.</li>
 * </ul>
 *
 * <p>Steady state allocates nothing in any of them: check {@code gc.alloc.rate.norm} with {@code -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
        "--enable-native-access=ALL-UNNAMED"})
public class FanOutBenchmark {

    /** The shape of one run: frame size and number of viewers, shared by every implementation below. */
    @State(Scope.Thread)
    public abstract static class Shape {
        @Param({"1024", "16384", "204800"})
        int frameSize;
        @Param({"1", "10", "100"})
        int readers;
        UnsafeBuffer payload;
        long sequence;

        @Setup
        public void createPayload() {
            payload = BenchmarkRings.frame(frameSize);
        }

        boolean nextIsKeyframe() {
            return sequence++ % 30 == 0;
        }
    }

    public static class StreamBufferFanOut extends Shape {
        StreamBuffer stream;
        StreamReader[] viewers;

        @Setup
        public void openViewers() {
            stream = new StreamBuffer(BenchmarkRings.KEY, BenchmarkRings.FORMAT, BenchmarkRings.CAPACITY);
            viewers = new StreamReader[readers];
            for (int i = 0; i < readers; i++) {
                viewers[i] = stream.openReader(BenchmarkRings.KEY, BenchmarkRings.FAIL_ON_VIOLATION);
            }
            // A first keyframe grows every reader's copy buffer to the frame size, outside the measurement.
            stream.publish(0, 0, 0, nextIsKeyframe(), payload, 0, frameSize);
            for (StreamReader viewer : viewers) {
                if (viewer.poll() != StreamReader.FRAME) {
                    throw new IllegalStateException("viewer did not get the first keyframe");
                }
            }
        }
    }

    public static class PlainCopyFanOut extends Shape {
        UnsafeBuffer[] copies;

        @Setup
        public void allocateCopies() {
            copies = new UnsafeBuffer[readers];
            for (int i = 0; i < readers; i++) {
                copies[i] = new UnsafeBuffer(new byte[frameSize]);
            }
        }
    }

    public static class BroadcastFanOut extends Shape {
        BroadcastTransmitter transmitter;
        CopyBroadcastReceiver[] viewers;
        final LengthSink sink = new LengthSink();

        @Setup
        public void openViewers() {
            UnsafeBuffer ring = BenchmarkRings.broadcastBuffer();
            transmitter = new BroadcastTransmitter(ring);
            viewers = new CopyBroadcastReceiver[readers];
            for (int i = 0; i < readers; i++) {
                viewers[i] = new CopyBroadcastReceiver(new BroadcastReceiver(ring),
                        new UnsafeBuffer(new byte[frameSize]));
            }
        }
    }

    public static class DisruptorFanOut extends Shape {
        RingBuffer<BenchmarkRings.Slot> ring;
        EventPoller<BenchmarkRings.Slot>[] viewers;
        SlotCopier[] copiers;

        @Setup
        @SuppressWarnings("unchecked")
        public void openViewers() {
            ring = BenchmarkRings.disruptorRing(frameSize);
            viewers = new EventPoller[readers];
            copiers = new SlotCopier[readers];
            for (int i = 0; i < readers; i++) {
                viewers[i] = ring.newPoller();
                ring.addGatingSequences(viewers[i].getSequence());
                copiers[i] = new SlotCopier(frameSize);
            }
        }
    }

    @Benchmark
    public long streamBuffer(StreamBufferFanOut s) {
        s.stream.publish(0, s.sequence, s.sequence, s.nextIsKeyframe(), s.payload, 0, s.frameSize, s.sequence);
        long sum = 0;
        for (StreamReader viewer : s.viewers) {
            if (viewer.poll() == StreamReader.FRAME) {
                FrameView frame = viewer.frame();
                sum += frame.payloadLength();
            }
        }
        return sum;
    }

    @Benchmark
    public long plainCopy(PlainCopyFanOut s) {
        long sum = 0;
        for (UnsafeBuffer copy : s.copies) {
            copy.putBytes(0, s.payload, 0, s.frameSize);
            sum += copy.getByte(s.frameSize - 1);
        }
        return sum;
    }

    @Benchmark
    public long agronaBroadcast(BroadcastFanOut s) {
        s.transmitter.transmit(BenchmarkRings.MSG_TYPE_FRAME, s.payload, 0, s.frameSize);
        for (CopyBroadcastReceiver viewer : s.viewers) {
            viewer.receive(s.sink);
        }
        return s.sink.sum;
    }

    @Benchmark
    public long disruptor(DisruptorFanOut s) throws Exception {
        RingBuffer<BenchmarkRings.Slot> ring = s.ring;
        long sequence = ring.next();
        BenchmarkRings.Slot slot = ring.get(sequence);
        s.payload.getBytes(0, slot.data, 0, s.frameSize);
        slot.length = s.frameSize;
        ring.publish(sequence);
        long sum = 0;
        for (int i = 0; i < s.viewers.length; i++) {
            s.viewers[i].poll(s.copiers[i]);
            sum += s.copiers[i].copied;
        }
        return sum;
    }

    /** Consumes a received broadcast message (already copied by {@link CopyBroadcastReceiver}). */
    static final class LengthSink implements MessageHandler {
        long sum;

        @Override
        public void onMessage(int msgTypeId, MutableDirectBuffer buffer, int index, int length) {
            sum += length;
        }
    }

    /** One Disruptor viewer: copies each slot into its own buffer, as a StreamReader copies a record out. */
    static final class SlotCopier implements EventPoller.Handler<BenchmarkRings.Slot> {
        final UnsafeBuffer copy;
        long copied;

        SlotCopier(int frameSize) {
            this.copy = new UnsafeBuffer(new byte[frameSize]);
        }

        @Override
        public boolean onEvent(BenchmarkRings.Slot slot, long sequence, boolean endOfBatch) {
            copy.putBytes(0, slot.data, 0, slot.length);
            copied += slot.length;
            return true;
        }
    }
}
