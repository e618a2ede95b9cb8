package dev.camrelay.server.camera;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class EpochSourceTest {

    @Test
    void epochsStartAtTheClockInMicroseconds() {
        Instant now = Instant.parse("2025-01-01T00:00:00Z");
        EpochSource epochs = new EpochSource(Clock.fixed(now, ZoneOffset.UTC));

        assertThat(epochs.next()).isEqualTo(now.toEpochMilli() * 1000);
    }

    @Test
    void epochsStrictlyIncreaseEvenWhenTheClockStandsStill() {
        EpochSource epochs = new EpochSource(Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC));
        long previous = epochs.next();
        for (int i = 0; i < 10_000; i++) {
            long next = epochs.next();
            assertThat(next).isGreaterThan(previous);
            previous = next;
        }
    }

    @Test
    void aRestartedProcessStartsAboveTheEpochsOfTheLastOne() {
        Instant t0 = Instant.parse("2025-01-01T00:00:00Z");
        EpochSource before = new EpochSource(Clock.fixed(t0, ZoneOffset.UTC));
        long last = 0;
        for (int i = 0; i < 1000; i++) {
            last = before.next();
        }
        EpochSource after = new EpochSource(Clock.fixed(t0.plusSeconds(1), ZoneOffset.UTC));

        assertThat(after.next()).isGreaterThan(last);
    }

    @Test
    void epochsStayExactInJson() {
        assertThat(EpochSource.processWide().next()).isPositive().isLessThan(1L << 53);
    }
}
