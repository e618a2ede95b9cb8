package dev.camrelay.webrtc.cc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** Feedback FCIs laid out by hand from draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1. */
class TransportCcFeedbackTest {

    private final List<String> packets = new ArrayList<>();
    private final TransportCcFeedback.PacketHandler recorder = (sequence, received, arrival) ->
            packets.add(sequence + (received ? "@" + arrival : " lost"));

    @Test
    void twoBitStatusVectorWithSmallAndNegativeLargeDeltas() {
        ByteBuffer fci = ByteBuffer.allocate(32);
        fci.putShort((short) 100).putShort((short) 6).putInt(1 << 8); // reference time 1 x 64 ms, fb count 0
        // 1 1 | 01 00 10 01 01 00 00: small, lost, large, small, small, lost (7th symbol beyond the count)
        fci.putShort((short) 0xD250);
        fci.put((byte) 4).putShort((short) -8).put((byte) 8).put((byte) 0);
        int length = fci.position();

        int n = TransportCcFeedback.parse(new UnsafeBuffer(fci.array()), 0, length, recorder);

        assertThat(n).isEqualTo(6);
        assertThat(packets).containsExactly("100@65000", "101 lost", "102@63000", "103@65000", "104@65000",
                "105 lost");
    }

    @Test
    void runLengthThenOneBitVectorAcrossTheSequenceWrap() {
        ByteBuffer fci = ByteBuffer.allocate(32);
        fci.putShort((short) 65534).putShort((short) 6).putInt(0xFFFFFF00); // reference time -1 x 64 ms
        fci.putShort((short) 0x2003);  // run of 3 small deltas
        fci.putShort((short) 0xA800);  // 1 0 | 1 0 1 ...: received, lost, received
        fci.put(new byte[] {4, 4, 4, 8, 8});
        fci.putShort((short) 0);        // zero padding
        int length = fci.position();

        int n = TransportCcFeedback.parse(new UnsafeBuffer(fci.array()), 0, length, recorder);

        assertThat(n).isEqualTo(6);
        assertThat(packets).containsExactly("65534@-63000", "65535@-62000", "0@-61000", "1@-59000", "2 lost",
                "3@-57000");
    }

    @Test
    void reservedSymbolTruncatedDeltasAndAbsurdCountsAreMalformedWithoutCallbacks() {
        ByteBuffer reserved = ByteBuffer.allocate(16).putShort((short) 1).putShort((short) 1).putInt(0)
                .putShort((short) 0x6001).put((byte) 0);        // run length, symbol 11
        ByteBuffer truncated = ByteBuffer.allocate(16).putShort((short) 1).putShort((short) 2).putInt(0)
                .putShort((short) 0x4002).put((byte) 0);        // two large deltas announced, one byte there
        ByteBuffer huge = ByteBuffer.allocate(16).putShort((short) 1).putShort((short) 0xFFFF).putInt(0)
                .putShort((short) 0x1FFF);
        ByteBuffer noChunks = ByteBuffer.allocate(8).putShort((short) 1).putShort((short) 3).putInt(0);

        for (ByteBuffer b : List.of(reserved, truncated, huge, noChunks)) {
            assertThat(TransportCcFeedback.parse(new UnsafeBuffer(b.array()), 0, b.position(), recorder))
                    .isEqualTo(TransportCcFeedback.MALFORMED);
        }
        assertThat(TransportCcFeedback.parse(new UnsafeBuffer(new byte[4]), 0, 4, recorder))
                .isEqualTo(TransportCcFeedback.MALFORMED);
        assertThat(packets).isEmpty();
    }
}
