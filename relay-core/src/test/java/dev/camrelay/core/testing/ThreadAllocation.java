package dev.camrelay.core.testing;

import java.lang.management.ManagementFactory;

/**
 * Measures on the calling thread only (the JVM's per-thread allocation counter).
 *
 * <p>Bytes a steady-state loop allocates per operation, for the tests of hot paths that must allocate nothing per
 * packet (style.md). The loop is warmed up first (so the JIT has compiled it), then timed over several windows, and the
 * least window counts: an allocation per operation shows in every window, a one-off by the JVM on this thread (seen
 * once in a full suite run: 24 KB inside one window of a depacketizer test that allocates nothing per packet even
 * with C1 alone, {@code -XX:TieredStopAtLevel=1}) in one only. Shared by the modules' tests through relay-core's test
 * jar.
 */
public final class ThreadAllocation {

    private ThreadAllocation() {
    }

    /** Bytes the calling thread has allocated so far. */
    public static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    /**
     * Runs {@code round} {@code warmupRounds} times, then {@code windows} windows of {@code rounds} rounds each.
     *
     * @param opsPerRound operations (packets) one round performs
     * @return the least window's bytes per operation
     */
    public static double leastBytesPerOp(int warmupRounds, int rounds, int windows, int opsPerRound, Runnable round) {
        for (int i = 0; i < warmupRounds; i++) {
            round.run();
        }
        long least = Long.MAX_VALUE;
        for (int w = 0; w < windows; w++) {
            long before = allocatedBytes();
            for (int i = 0; i < rounds; i++) {
                round.run();
            }
            least = Math.min(least, allocatedBytes() - before);
        }
        return (double) least / ((long) rounds * opsPerRound);
    }
}
