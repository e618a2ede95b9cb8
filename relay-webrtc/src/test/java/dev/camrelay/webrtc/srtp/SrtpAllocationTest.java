package dev.camrelay.webrtc.srtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.camrelay.core.testing.ThreadAllocation;
import dev.camrelay.webrtc.dtls.SrtpProfile;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Protecting and unprotecting allocate nothing per packet once warm, with either profile: measured with the JVM's
 * per-thread allocation counter (JMH {@code -prof gc} on {@code H264RtpBenchmark.protectOnePacket} is the finer
 * tool). The least of {@link #WINDOWS} windows counts, so a one-off allocation by the JVM on this thread does not.
 */
class SrtpAllocationTest {

    private static final int WARMUP_ROUNDS = 20_000;
    private static final int ROUNDS = 5_000;
    private static final int WINDOWS = 3;
    /** Each round protects and unprotects one RTP and one RTCP packet. */
    private static final int PACKETS_PER_ROUND = 4;

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void protectingAndUnprotectingAllocatesNothingPerPacketOnceWarm(SrtpProfile profile) {
        byte[] key = new byte[profile.keyLength()];
        byte[] salt = new byte[profile.saltLength()];
        Arrays.fill(key, (byte) 3);
        SrtpTransform sender = SrtpTransforms.create(profile, key, salt);
        SrtpTransform receiver = SrtpTransforms.create(profile, key, salt);
        byte[] rtp = new byte[1500];
        rtp[0] = (byte) 0x80;
        rtp[1] = 96;
        byte[] rtcp = new byte[100];
        rtcp[0] = (byte) 0x81;
        rtcp[1] = (byte) 205;
        int[] sequence = {0};
        Runnable round = () -> {
            SrtpPackets.putInt(rtp, 0, 0x8060_0000 | (sequence[0]++ & 0xFFFF));
            int n = sender.protectRtp(rtp, 0, 12 + 1162);
            if (receiver.unprotectRtp(rtp, 0, n) != 12 + 1162) {
                throw new AssertionError("RTP did not round-trip");
            }
            int m = sender.protectRtcp(rtcp, 0, 28);
            if (receiver.unprotectRtcp(rtcp, 0, m) != 28) {
                throw new AssertionError("RTCP did not round-trip");
            }
        };
        double perPacket = ThreadAllocation.leastBytesPerOp(WARMUP_ROUNDS, ROUNDS, WINDOWS, PACKETS_PER_ROUND, round);

        assertThat(perPacket).as("bytes allocated per packet").isLessThan(0.1);
    }
}
