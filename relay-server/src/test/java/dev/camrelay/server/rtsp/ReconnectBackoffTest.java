package dev.camrelay.server.rtsp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReconnectBackoffTest {

    @Test
    void delaysDoubleWithJitterUpToTheCapAndRestartAfterReset() {
        ReconnectBackoff b = new ReconnectBackoff(1000, 30_000);
        long[] bases = {1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000};
        for (long base : bases) {
            long d = b.nextDelayMillis();
            assertThat(d).isBetween(Math.round(base * (1 - ReconnectBackoff.JITTER)),
                    Math.min(30_000, Math.round(base * (1 + ReconnectBackoff.JITTER))));
        }
        assertThat(b.failures()).isEqualTo(bases.length);
        b.reset();
        assertThat(b.nextDelayMillis()).isBetween(800L, 1200L);
    }
}
