package dev.camrelay.webrtc.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.camrelay.webrtc.ice.IceCredentials;
import dev.camrelay.webrtc.ice.IceLiteAgent;
import dev.camrelay.webrtc.ice.IceLiteSession;
import dev.camrelay.webrtc.sdp.SdpOfferParser;
import dev.camrelay.webrtc.stun.StunMessageEncoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Coverage-guided fuzzing (Jazzer) of what reaches the WebRTC port and the WHEP endpoint from outside: STUN binding
 * checks through the ICE-lite agent (parse, MESSAGE-INTEGRITY, FINGERPRINT, nomination) and WHEP SDP offers. In a
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

    @FuzzTest(maxDuration = "60s")
    void whepOffersAreAcceptedOrRefusedWithAReason(byte[] data) {
        SdpOfferParser.Result result = SdpOfferParser.parse(new String(data, StandardCharsets.UTF_8));
        assertThat(result.offer() == null).isEqualTo(result.rejection() != null);
    }
}
