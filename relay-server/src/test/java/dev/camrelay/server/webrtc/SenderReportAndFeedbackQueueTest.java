package dev.camrelay.server.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class SenderReportAndFeedbackQueueTest {

    @Test
    void senderReportHasTheRfc3550Layout() {
        byte[] out = new byte[SenderReport.LENGTH];
        // 2021-01-01T00:00:00.500Z
        int n = SenderReport.write(out, 0x11223344, 1_609_459_200_500L, 0xAABBCCDD, 10, 1000);

        ByteBuffer b = ByteBuffer.wrap(out, 0, n);
        assertThat(n).isEqualTo(28);
        assertThat(b.get(0) & 0xFF).isEqualTo(0x80);
        assertThat(b.get(1) & 0xFF).isEqualTo(200);
        assertThat(b.getShort(2)).isEqualTo((short) 6);
        assertThat(b.getInt(4)).isEqualTo(0x11223344);
        assertThat(b.getInt(8) & 0xFFFF_FFFFL).isEqualTo(1_609_459_200L + 2_208_988_800L);
        assertThat(b.getInt(12) & 0xFFFF_FFFFL).isEqualTo(1L << 31);
        assertThat(b.getInt(16)).isEqualTo(0xAABBCCDD);
        assertThat(b.getInt(20)).isEqualTo(10);
        assertThat(b.getInt(24)).isEqualTo(1000);
    }

    @Test
    void feedbackQueueKeepsOrderDropsWhenFullAndCountsPictureLoss() {
        FeedbackQueue q = new FeedbackQueue();
        for (int i = 0; i < FeedbackQueue.CAPACITY; i++) {
            assertThat(q.offerNack(i)).isTrue();
        }
        assertThat(q.offerNack(9999)).isFalse();
        assertThat(q.dropped()).isEqualTo(1);
        for (int i = 0; i < FeedbackQueue.CAPACITY; i++) {
            assertThat(q.pollNack()).isEqualTo(i);
        }
        assertThat(q.pollNack()).isEqualTo(-1);

        q.pictureLoss();
        q.pictureLoss();
        assertThat(q.takePictureLoss()).isEqualTo(2);
        assertThat(q.takePictureLoss()).isZero();
    }
}
