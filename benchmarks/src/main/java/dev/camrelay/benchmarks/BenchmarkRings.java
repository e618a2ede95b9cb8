package dev.camrelay.benchmarks;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.YieldingWaitStrategy;
import dev.camrelay.core.isolation.IsolationAlarm;
import dev.camrelay.core.media.StreamFormat;
import dev.camrelay.core.media.StreamKey;
import java.util.List;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.broadcast.BroadcastBufferDescriptor;

/**
 * The rings every benchmark compares, sized alike: {@link #CAPACITY} bytes of frame storage each. 8 MiB because a
 * StreamBuffer frame may take at most a quarter of its ring (200 KiB frames need more than 800 KiB) and a broadcast
 * message at most an eighth (more than 1.6 MiB).
 */
final class BenchmarkRings {

    static final int CAPACITY = 8 << 20;
    static final StreamKey KEY = new StreamKey("bench-cam", 1, StreamKey.SOURCE_RENDITION);
    static final StreamFormat FORMAT = new StreamFormat(List.of());
    static final int MSG_TYPE_FRAME = 1;

    /** A benchmark reads only its own stream; any call is a broken benchmark. */
    static final IsolationAlarm FAIL_ON_VIOLATION = (expected, where, detail) -> {
        throw new IllegalStateException("isolation violation in benchmark: " + detail);
    };

    /** One access unit's bytes, as a depacketizer would hand them over. */
    static UnsafeBuffer frame(int frameSize) {
        UnsafeBuffer frame = new UnsafeBuffer(new byte[frameSize]);
        for (int i = 0; i < frameSize; i++) {
            frame.putByte(i, (byte) (i * 31 + 7));
        }
        return frame;
    }

    static UnsafeBuffer broadcastBuffer() {
        return new UnsafeBuffer(BufferUtil.allocateDirectAligned(
                CAPACITY + BroadcastBufferDescriptor.TRAILER_LENGTH, 64));
    }

    /** A Disruptor ring of preallocated byte[] slots holding about {@link #CAPACITY} bytes. */
    static RingBuffer<Slot> disruptorRing(int frameSize) {
        int slots = Integer.highestOneBit(Math.max(2, CAPACITY / frameSize));
        return RingBuffer.createSingleProducer(() -> new Slot(frameSize), slots, new YieldingWaitStrategy());
    }

    /** A Disruptor event: one frame's bytes copied into the slot, as in a ring of byte[] buffers. */
    static final class Slot {
        final byte[] data;
        int length;

        Slot(int capacity) {
            this.data = new byte[capacity];
        }
    }

    private BenchmarkRings() {
    }
}
