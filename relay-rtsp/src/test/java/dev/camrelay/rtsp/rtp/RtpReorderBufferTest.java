package dev.camrelay.rtsp.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class RtpReorderBufferTest {

    private final List<Integer> delivered = new ArrayList<>();
    private final List<Integer> payloadFirstBytes = new ArrayList<>();
    private final RtpPacketHandler handler = p -> {
        delivered.add(p.sequence());
        payloadFirstBytes.add((int) p.buffer().getByte(p.payloadOffset()));
    };

    private int offer(RtpReorderBuffer buffer, int seq) {
        return offer(buffer, seq, 0);
    }

    private int offer(RtpReorderBuffer buffer, int seq, long now) {
        byte[] p = TestRtp.packet(seq & 0xFFFF, seq * 3000L, false, new byte[] {(byte) seq, 0, 0});
        return buffer.offer(new UnsafeBuffer(p), 0, p.length, now, handler);
    }

    @Test
    void reorderedPacketsAreDeliveredInSequenceOrderWithTheirOwnBytes() {
        RtpReorderBuffer buffer = new RtpReorderBuffer(8);
        assertThat(offer(buffer, 10)).isEqualTo(RtpReorderBuffer.DELIVERED);
        assertThat(offer(buffer, 12)).isEqualTo(RtpReorderBuffer.HELD);
        assertThat(offer(buffer, 13)).isEqualTo(RtpReorderBuffer.HELD);
        assertThat(offer(buffer, 11)).isEqualTo(RtpReorderBuffer.DELIVERED);
        assertThat(delivered).containsExactly(10, 11, 12, 13);
        assertThat(payloadFirstBytes).containsExactly(10, 11, 12, 13);
        assertThat(buffer.held()).isZero();
        assertThat(buffer.packetsLost()).isZero();
    }

    @Test
    void duplicatesAndLatePacketsAreDroppedAndCounted() {
        RtpReorderBuffer buffer = new RtpReorderBuffer(8);
        offer(buffer, 1);
        assertThat(offer(buffer, 3)).isEqualTo(RtpReorderBuffer.HELD);
        assertThat(offer(buffer, 3)).isEqualTo(RtpReorderBuffer.DUPLICATE);
        assertThat(offer(buffer, 1)).isEqualTo(RtpReorderBuffer.LATE);
        offer(buffer, 2);
        assertThat(delivered).containsExactly(1, 2, 3);
        assertThat(buffer.duplicates()).isEqualTo(1);
        assertThat(buffer.late()).isEqualTo(1);
    }

    @Test
    void sequenceWrapFrom65535ToZeroKeepsOrder() {
        RtpReorderBuffer buffer = new RtpReorderBuffer(8);
        offer(buffer, 65533);
        offer(buffer, 65535);
        offer(buffer, 0);
        offer(buffer, 65534);
        offer(buffer, 1);
        assertThat(delivered).containsExactly(65533, 65534, 65535, 0, 1);
    }

    @Test
    void aHoleIsGivenUpWhenTheWindowFillsAndCountedAsLost() {
        RtpReorderBuffer buffer = new RtpReorderBuffer(4);
        offer(buffer, 0);
        for (int s = 2; s <= 6; s++) {
            offer(buffer, s);
        }
        assertThat(delivered).containsExactly(0, 2, 3, 4, 5, 6);
        assertThat(buffer.packetsLost()).isEqualTo(1);
        assertThat(offer(buffer, 1)).isEqualTo(RtpReorderBuffer.LATE);
    }

    @Test
    void aHoleIsGivenUpWhenTheOldestHeldPacketWaitedTooLong() {
        RtpReorderBuffer buffer = new RtpReorderBuffer(64);
        offer(buffer, 100, 0);
        offer(buffer, 103, 1_000);
        offer(buffer, 104, 2_000);
        assertThat(buffer.releaseExpired(50_000, 100_000, handler)).isZero();
        assertThat(buffer.releaseExpired(101_000, 100_000, handler)).isEqualTo(2);
        assertThat(delivered).containsExactly(100, 103, 104);
        assertThat(buffer.packetsLost()).isEqualTo(2);
    }

    @Test
    void aLargeJumpForwardGivesUpEverythingBetween() {
        RtpReorderBuffer buffer = new RtpReorderBuffer(8);
        offer(buffer, 0);
        offer(buffer, 1000);
        assertThat(delivered).containsExactly(0, 1000);
        assertThat(buffer.packetsLost()).isEqualTo(999);
    }

    @Test
    void aSourceThatRestartsItsNumberingBackwardsIsFollowed() {
        RtpReorderBuffer buffer = new RtpReorderBuffer(4);
        offer(buffer, 5000);
        for (int s = 0; s < 5; s++) {
            offer(buffer, 10 + s);
        }
        offer(buffer, 15);
        assertThat(buffer.resets()).isEqualTo(1);
        assertThat(delivered).containsExactly(5000, 14, 15);
    }

    @Test
    void aPacketLargerThanTheSlotGrowsIt() {
        RtpReorderBuffer buffer = new RtpReorderBuffer(4);
        offer(buffer, 0);
        byte[] big = TestRtp.packet(2, 0, false, new byte[9000]);
        big[12] = 77;
        assertThat(buffer.offer(new UnsafeBuffer(big), 0, big.length, 0, handler)).isEqualTo(RtpReorderBuffer.HELD);
        offer(buffer, 1);
        assertThat(delivered).containsExactly(0, 1, 2);
        assertThat(payloadFirstBytes.get(2)).isEqualTo(77);
    }
}
