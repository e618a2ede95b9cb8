package dev.camrelay.server.demo;

import dev.camrelay.core.buffer.StreamBuffer;
import dev.camrelay.core.ingest.IngestSink;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in demo camera's ingest: loops a {@link DemoClip} into its camera's stream in real time, with continuous
 * timestamps across loops (90 kHz), as a live camera would deliver it.
 *
 * <p>Threading contract: one platform thread of its own ("demo-camera") is the single writer of the camera's buffers;
 * {@link #start} and {@link #close} are for the controlling thread, and {@link #close} returns only after the writer
 * thread has stopped, so the camera may seal the buffer right after.
 */
public final class DemoCamera implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DemoCamera.class);
    /** RTP/MPEG clock for video timestamps (RFC 6184 section 8.2.1). */
    public static final int VIDEO_CLOCK_RATE = 90_000;
    /** How long {@link #close} waits for the writer thread. */
    public static final long STOP_TIMEOUT_MILLIS = 2_000;

    private final DemoClip clip;
    private final IngestSink sink;
    private final Thread writer;
    private volatile boolean running = true;

    public DemoCamera(DemoClip clip, IngestSink sink) {
        this.clip = clip;
        this.sink = sink;
        this.writer = new Thread(this::loop, "demo-camera");
        this.writer.setDaemon(true);
    }

    public void start() {
        writer.start();
    }

    private void loop() {
        StreamBuffer buffer = sink.startEpoch(clip.format());
        long frameNanos = Math.round(TimeUnit.SECONDS.toNanos(1) / clip.frameRate());
        long ticksPerFrame = Math.round(VIDEO_CLOCK_RATE / clip.frameRate());
        long start = System.nanoTime();
        long frame = 0;
        int n = clip.frames().size();
        while (running) {
            long due = start + frame * frameNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
                continue;
            }
            int i = (int) (frame % n);
            UnsafeBuffer au = clip.frames().get(i);
            long pts = frame * ticksPerFrame;
            long result = buffer.publish(0, pts, pts, clip.keyframes()[i], au, 0, au.capacity());
            if (result == StreamBuffer.REJECTED_TOO_LARGE) {
                LOG.warn("demo frame {} ({} bytes) is larger than the stream buffer allows", i, au.capacity());
            }
            frame++;
        }
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(writer);
        try {
            writer.join(STOP_TIMEOUT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            LOG.warn("demo camera writer did not stop within {} ms", STOP_TIMEOUT_MILLIS);
        }
    }
}
