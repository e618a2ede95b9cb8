package dev.camrelay.server.webrtc;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One producer (the sender agent thread: {@link #send}, {@link #room}, {@link #flush}) and one consumer (the UDP
 * event loop, which drains): the sender's path to the wire.
 *
 * <p>The sender thread copies each protected datagram into a preallocated slot of a single-producer, single-consumer
 * ring and, once per turn, hands one reused task to the event loop, which writes the slots out and flushes once. The
 * sender thread allocates nothing here; the event loop writes without Netty's cross-thread task per write. A full
 * ring (a keyframe to many viewers at once) first hands the ring to the event loop and waits up to
 * {@link #FULL_WAIT_NANOS} for room, then drops the datagram (counted in {@code relay_whep_send_dropped_total}; NACK
 * or the next keyframe heal it). Ordering: a slot is written before the tail that publishes it (lazySet is a release
 * store), and freed by the head only after the event loop copied it out.
 */
final class UdpSendRing implements WhepSender.DatagramSink {

    /** Datagrams queued between the sender and the event loop: a 60 KB keyframe to about 80 viewers. */
    static final int RING_CAPACITY = 4096;
    /** How long the sender waits for the event loop to make room before it drops (it serves everyone). */
    static final long FULL_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final int MASK = RING_CAPACITY - 1;

    private final byte[][] slots = new byte[RING_CAPACITY][WhepSender.SCRATCH_LENGTH];
    private final int[] lengths = new int[RING_CAPACITY];
    private final InetSocketAddress[] targets = new InetSocketAddress[RING_CAPACITY];
    private final AtomicLong head = new AtomicLong();
    private final AtomicLong tail = new AtomicLong();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;
    private final Channel channel;
    private final WebRtcCounters counters;

    UdpSendRing(Channel channel, WebRtcCounters counters) {
        this.channel = channel;
        this.counters = counters;
    }

    @Override
    public void send(byte[] datagram, int offset, int length, InetSocketAddress to) {
        long t = tail.get();
        if (t - head.get() >= RING_CAPACITY && !awaitRoom(t)) {
            WebRtcCounters.add(counters.sendDropped, 1);
            return;
        }
        int slot = (int) t & MASK;
        System.arraycopy(datagram, offset, slots[slot], 0, length);
        lengths[slot] = length;
        targets[slot] = to;
        tail.lazySet(t + 1);
    }

    @Override
    public int room() {
        return (int) (RING_CAPACITY - (tail.get() - head.get()));
    }

    private boolean awaitRoom(long t) {
        flush();
        long deadline = System.nanoTime() + FULL_WAIT_NANOS;
        while (t - head.get() >= RING_CAPACITY) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            if (!scheduled.get()) {
                flush();
            }
            Thread.onSpinWait();
        }
        return true;
    }

    @Override
    public void flush() {
        if (scheduled.compareAndSet(false, true)) {
            channel.eventLoop().execute(drain);
        }
    }

    /** Event loop: writes every queued datagram, then flushes once. */
    private void drain() {
        scheduled.set(false);
        long h = head.get();
        long t = tail.get();
        for (; h < t; h++) {
            int slot = (int) h & MASK;
            ByteBuf b = channel.alloc().directBuffer(lengths[slot]);
            b.writeBytes(slots[slot], 0, lengths[slot]);
            channel.write(new DatagramPacket(b, targets[slot]), channel.voidPromise());
            targets[slot] = null;
            head.lazySet(h + 1);
        }
        channel.flush();
    }
}
