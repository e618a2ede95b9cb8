package dev.camrelay.webrtc.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.camrelay.webrtc.cc.SessionEstimator;
import dev.camrelay.webrtc.cc.TransportCcFeedback;
import dev.camrelay.webrtc.cc.TransportSequenceHistory;
import dev.camrelay.webrtc.ice.IceCredentials;
import dev.camrelay.webrtc.ice.IceLiteAgent;
import dev.camrelay.webrtc.ice.IceLiteSession;
import dev.camrelay.webrtc.rtp.RtcpFeedbackHandler;
import dev.camrelay.webrtc.rtp.RtcpFeedbackParser;
import dev.camrelay.webrtc.sdp.SdpOfferParser;
import dev.camrelay.webrtc.stun.StunMessageEncoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Coverage-guided fuzzing (Jazzer) of what reaches the WebRTC port and the WHEP endpoint from outside: STUN binding
 * checks through the ICE-lite agent (parse, MESSAGE-INTEGRITY, FINGERPRINT, nomination), a viewer's RTCP (feedback,
 * reports, REMB, transport-wide feedback into the estimate) and WHEP SDP offers. In a
 * normal build the committed seeds (RFC 5769 vectors, a Chromium offer) replay; docs/fuzzing.md has the long run.
 */
class WebRtcFuzzTest {

    /** The RFC 5769 §2.1 credentials, so the seeds reach the integrity check. */
    private static final IceCredentials LOCAL = new IceCredentials("evtj", "VOkJxbRl1RmTxUk/WvJxBt");

    @FuzzTest(maxDuration = "60s")
    void stunMessagesReturnStatusCodes(byte[] data) {
        IceLiteAgent agent = new IceLiteAgent();
        agent.register(new IceLiteSession(LOCAL, "h6vY", 0));
        UnsafeBuffer out = new UnsafeBuffer(new byte[StunMessageEncoder.MIN_CAPACITY]);
        int n = agent.onStunPacket(new UnsafeBuffer(data), 0, data.length, new InetSocketAddress("127.0.0.1", 5000),
                1, out, 0);
        assertThat(n).isLessThanOrEqualTo(out.capacity());
    }

    /**
     * A viewer's decrypted RTCP as the sender thread walks it: report blocks, REMB and transport-wide feedback into a
     * session estimate (whose send record knows the seeds' sequence numbers), NACK/PLI/FIR counted.
     */
    @FuzzTest(maxDuration = "60s")
    void viewerRtcpNeverThrowsAndFeedsTheEstimate(byte[] data) {
        TransportSequenceHistory sent = new TransportSequenceHistory(65530);
        for (int i = 0; i < 200; i++) {
            sent.onSend(1200, i * 1_000_000L);
        }
        SessionEstimator estimator = new SessionEstimator(new int[] {0x0A0B0C0D}, 90_000, sent);
        int[] items = new int[1];
        RtcpFeedbackHandler handler = new RtcpFeedbackHandler() {
            @Override
            public void onNack(int mediaSsrc, int sequence) {
                items[0]++;
            }

            @Override
            public void onPictureLoss(int mediaSsrc) {
                items[0]++;
            }

            @Override
            public void onFullIntraRequest(int mediaSsrc, int commandSequence) {
                items[0]++;
            }

            @Override
            public void onReportBlock(int sourceSsrc, int fractionLost, int cumulativeLost, int highestSequence,
                                      int jitter, int lastSr, int delaySinceLastSr) {
                estimator.onReportBlock(sourceSsrc, fractionLost, jitter, lastSr, delaySinceLastSr, 0x12350000,
                        1_000_000_000L);
            }

            @Override
            public void onRemb(long bitsPerSecond, int firstSsrc) {
                estimator.onRemb(bitsPerSecond, 1_000_000_000L);
            }

            @Override
            public void onTransportFeedback(DirectBuffer buffer, int fci, int fciLength) {
                estimator.beginFeedback();
                int n = TransportCcFeedback.parse(buffer, fci, fciLength, estimator);
                assertThat(n).isBetween(TransportCcFeedback.MALFORMED, TransportCcFeedback.MAX_PACKET_STATUS_COUNT);
                estimator.endFeedback(1_000_000_000L);
            }
        };
        int n = RtcpFeedbackParser.parse(new UnsafeBuffer(data), 0, data.length, handler);
        assertThat(n).isGreaterThanOrEqualTo(RtcpFeedbackParser.MALFORMED);
        assertThat(estimator.lossFraction()).isBetween(0.0, 1.0);
        assertThat(estimator.bandwidth()).isNotNegative();
    }

    @FuzzTest(maxDuration = "60s")
    void whepOffersAreAcceptedOrRefusedWithAReason(byte[] data) {
        SdpOfferParser.Result result = SdpOfferParser.parse(new String(data, StandardCharsets.UTF_8));
        assertThat(result.offer() == null).isEqualTo(result.rejection() != null);
    }
}
