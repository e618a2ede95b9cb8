package dev.camrelay.webrtc.cc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SessionEstimatorTest {

    private static final int VIDEO = 0x11111111;
    private static final int AUDIO = 0x22222222;
    private static final long MS = 1_000_000L;

    @Test
    void reportBlockGivesRttFromLsrAndDlsrAndJitterInMilliseconds() {
        SessionEstimator e = new SessionEstimator(new int[] {VIDEO, AUDIO}, 90_000, null);
        int lsr = 0x1234_5678;
        int dlsr = 0x0002_0000;           // 2 s held by the viewer
        int arrival = lsr + dlsr + 3277;  // 3277 / 65536 s = 50.0 ms on the wire

        e.onReportBlock(VIDEO, 0, 900, lsr, dlsr, arrival, 0);

        assertThat(e.rttMicros()).isBetween(49_900L, 50_100L);
        assertThat(e.jitterMillis()).isCloseTo(10.0, within(1e-9));
        assertThat(e.reportBlocks()).isEqualTo(1);

        e.onReportBlock(0x33333333, 0, 0, lsr, dlsr, arrival + 65536, 0);  // not ours
        e.onReportBlock(AUDIO, 0, 0, 0, 0, arrival, 0);                     // no SR seen yet: no RTT sample
        assertThat(e.reportBlocks()).isEqualTo(2);
        assertThat(e.rttMicros()).isBetween(49_900L, 50_100L);

        e.onReportBlock(VIDEO, 0, 0, lsr, dlsr, lsr + dlsr + 6554, 0);    // 100 ms: smoothed by 1/8
        assertThat(e.rttMicros()).isBetween(56_000L, 56_500L);
    }

    @Test
    void transportFeedbackGivesReceiveRateLossAndAnEstimateThatFollowsIt() {
        TransportSequenceHistory sent = new TransportSequenceHistory(65000);
        SessionEstimator e = new SessionEstimator(new int[] {VIDEO}, 90_000, sent);
        // 1 Mbit/s: a 1250-byte packet every 10 ms, each fed back, all received, 20 ms one-way.
        long now = 0;
        for (int round = 0; round < 20; round++) {
            e.beginFeedback();
            for (int i = 0; i < 10; i++) {
                now += 10 * MS;
                int sequence = sent.onSend(1250, now);
                e.onPacket(sequence, true, now / 1000 + 20_000);
            }
            e.endFeedback(now);
        }
        assertThat(e.receiveRate()).isBetween(990_000L, 1_010_000L);
        assertThat(e.lossFraction()).isZero();
        assertThat(e.queueDelayMicros()).isZero();
        long clean = e.bandwidth();
        assertThat(clean).as("grows under no loss, up to 1.5x the receive rate").isBetween(1_000_000L, 1_500_000L);

        // 30 % loss for a while: the estimate comes down.
        for (int round = 0; round < 20; round++) {
            e.beginFeedback();
            for (int i = 0; i < 10; i++) {
                now += 10 * MS;
                int sequence = sent.onSend(1250, now);
                e.onPacket(sequence, i % 10 >= 3, now / 1000 + 20_000);
            }
            e.endFeedback(now);
        }
        assertThat(e.lossFraction()).isCloseTo(0.3, within(0.02));
        assertThat(e.bandwidth()).isLessThan(clean / 2);
        assertThat(e.transportFeedbacks()).isEqualTo(40);
    }

    @Test
    void growingQueueDelayCapsTheEstimateBelowTheReceiveRateAndRembIsAnUpperBound() {
        TransportSequenceHistory sent = new TransportSequenceHistory(0);
        SessionEstimator e = new SessionEstimator(new int[] {VIDEO}, 90_000, sent);
        long now = 0;
        long queue = 0;
        for (int round = 0; round < 20; round++) {
            e.beginFeedback();
            for (int i = 0; i < 10; i++) {
                now += 10 * MS;
                queue += round >= 10 ? 2_000 : 0;  // from round 10 on, every packet waits 2 ms longer
                e.onPacket(sent.onSend(1250, now), true, now / 1000 + queue);
            }
            e.endFeedback(now);
        }
        assertThat(e.queueDelayMicros()).isGreaterThan(SessionEstimator.OVERUSE_DELAY_MICROS);
        assertThat(e.bandwidth()).isLessThanOrEqualTo(Math.round(e.receiveRate() * 0.86));

        e.onRemb(300_000, now);
        assertThat(e.remb()).isEqualTo(300_000);
        assertThat(e.bandwidth()).isEqualTo(300_000);
    }

    @Test
    void feedbackAboutUnknownSequenceNumbersIsIgnored() {
        TransportSequenceHistory sent = new TransportSequenceHistory(10);
        SessionEstimator e = new SessionEstimator(new int[] {VIDEO}, 90_000, sent);
        e.beginFeedback();
        e.onPacket(5000, false, 0);
        e.endFeedback(MS);
        assertThat(e.transportFeedbacks()).isZero();
        assertThat(e.lossFraction()).isZero();
        assertThat(e.bandwidth()).isZero();
    }
}
