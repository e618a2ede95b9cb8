package dev.camrelay.server.webrtc;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One producer (the UDP I/O thread, which decrypts the viewer's RTCP) and one consumer (the sender thread, which owns
 * the send history): the NACKed sequence numbers and picture-loss requests of one session. A full ring drops NACKs
 * (counted): a viewer asking for more than {@link #CAPACITY} packets at once will get a keyframe soon anyway.
 * Allocation-free.
 */
final class FeedbackQueue {

    /** Sequence numbers queued at most (one NACK FCI covers 17; Chrome sends a few per RTT). */
    static final int CAPACITY = 256;
    private static final int MASK = CAPACITY - 1;

    private final int[] sequences = new int[CAPACITY];
    private final AtomicLong head = new AtomicLong();
    private final AtomicLong tail = new AtomicLong();
    private final AtomicInteger pictureLoss = new AtomicInteger();
    private long dropped;

    /** Producer: queues one NACKed sequence number; false when full. */
    boolean offerNack(int sequence) {
        long t = tail.get();
        if (t - head.get() >= CAPACITY) {
            dropped++;
            return false;
        }
        sequences[(int) t & MASK] = sequence;
        tail.lazySet(t + 1);
        return true;
    }

    /** Producer: a PLI or FIR arrived. */
    void pictureLoss() {
        pictureLoss.incrementAndGet();
    }

    /** Consumer: the next NACKed sequence number, or -1. */
    int pollNack() {
        long h = head.get();
        if (h >= tail.get()) {
            return -1;
        }
        int sequence = sequences[(int) h & MASK];
        head.lazySet(h + 1);
        return sequence;
    }

    /** Consumer: how many picture-loss requests arrived since the last call. */
    int takePictureLoss() {
        return pictureLoss.getAndSet(0);
    }

    long dropped() {
        return dropped;
    }
}
