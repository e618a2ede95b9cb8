package dev.camrelay.hls.fmp4;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * The per-sample path (copying a sample into its run, writing fragments into a reused writer, dropping what was
 * written) allocates nothing once its memory has grown; measured with the JVM's per-thread allocation counter.
 */
class HotPathAllocationTest {

    private static final int CYCLES = 20_000;

    private final TrackRun video = new TrackRun(1, 1024);
    private final TrackRun audio = new TrackRun(2, 1024);
    private final TrackRun[] runs = {video, audio};
    private final BoxWriter writer = new BoxWriter(1024);
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[1500]);
    private long dts;
    private long audioDts;

    private void cycle() {
        for (int i = 0; i < 5; i++) {
            video.append(dts, dts + 3600, i == 0, payload, 0, 1400);
            dts += 3600;
            for (int a = 0; a < 2; a++) {
                audio.append(audioDts, audioDts, true, payload, 0, 300);
                audioDts += 1024;
            }
        }
        video.closeAt(dts);
        writer.reset();
        FragmentWriter.write(writer, 1, runs, runs.length);
        video.removeClosed();
        audio.removeClosed();
    }

    @Test
    void appendingSamplesAndWritingFragmentsAllocatesNothingOnceWarm() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().threadId();
        for (int i = 0; i < CYCLES; i++) {
            cycle();
        }

        long before = mx.getThreadAllocatedBytes(self);
        for (int i = 0; i < CYCLES; i++) {
            cycle();
        }
        long allocated = mx.getThreadAllocatedBytes(self) - before;

        assertThat(allocated).as("bytes allocated over %d fragments of 15 samples", CYCLES).isLessThan(4096);
    }
}
