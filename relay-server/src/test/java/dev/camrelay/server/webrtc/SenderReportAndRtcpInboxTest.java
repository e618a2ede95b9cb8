package dev.camrelay.server.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.camrelay.webrtc.rtp.RtcpFeedbackHandler;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class SenderReportAndRtcpInboxTest {

    @Test
    void senderReportHasTheRfc3550Layout() {
        byte[] out = new byte[SenderReport.LENGTH];
        // 2021-01-01T00:00:00.500Z
        int n = SenderReport.write(out, 0x11223344, SenderReport.ntp(1_609_459_200_500_000L), 0xAABBCCDD, 10, 1000);

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
    void rtcpInboxHandsPacketsOverInOrderAndDropsWhenFull() {
        RtcpInbox inbox = new RtcpInbox();
        // A PLI (RFC 4585 §6.3.1) whose media SSRC numbers the packet.
        for (int i = 0; i < RtcpInbox.SLOTS; i++) {
            assertThat(inbox.offer(new UnsafeBuffer(pli(i)), 0, 12)).isTrue();
        }
        assertThat(inbox.offer(new UnsafeBuffer(pli(99)), 0, 12)).isFalse();
        assertThat(inbox.offer(new UnsafeBuffer(new byte[2000]), 0, 2000)).as("longer than a slot").isFalse();
        assertThat(inbox.dropped()).isEqualTo(2);
        List<Integer> seen = new ArrayList<>();
        long[] malformed = new long[1];
        RtcpFeedbackHandler handler = new RtcpFeedbackHandler() {
            @Override
            public void onNack(int mediaSsrc, int sequence) {
            }

            @Override
            public void onPictureLoss(int mediaSsrc) {
                seen.add(mediaSsrc);
            }

            @Override
            public void onFullIntraRequest(int mediaSsrc, int commandSequence) {
            }
        };

        assertThat(inbox.drain(handler, malformed)).isEqualTo(RtcpInbox.SLOTS);
        assertThat(seen).hasSize(RtcpInbox.SLOTS).startsWith(0, 1, 2).endsWith(RtcpInbox.SLOTS - 1);
        assertThat(inbox.offer(new UnsafeBuffer(new byte[] {0, 1, 2, 3, 4, 5, 6, 7}), 0, 8)).isTrue();
        assertThat(inbox.drain(handler, malformed)).isEqualTo(1);
        assertThat(malformed[0]).as("garbage counted as malformed").isEqualTo(1);
        assertThat(inbox.drain(handler, malformed)).isZero();
    }

    private static byte[] pli(int mediaSsrc) {
        return ByteBuffer.allocate(12).put((byte) 0x81).put((byte) 206).putShort((short) 2).putInt(7)
                .putInt(mediaSsrc).array();
    }
}
