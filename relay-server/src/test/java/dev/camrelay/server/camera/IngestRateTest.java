package dev.camrelay.server.camera;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IngestRateTest {

    @Test
    void rateIsMeasuredOverTheWindow() {
        IngestRate rate = new IngestRate();
        assertThat(rate.bitsPerSecond()).isZero();

        for (int i = 0; i <= 20; i++) {
            rate.sample(i * 500_000_000L, i * 62_500L, i * 12L); // 1 Mbit/s, 24 fps
        }

        assertThat(rate.bitsPerSecond()).isEqualTo(1_000_000);
        assertThat(rate.framesPerSecond()).isEqualTo(24.0);
    }
}
