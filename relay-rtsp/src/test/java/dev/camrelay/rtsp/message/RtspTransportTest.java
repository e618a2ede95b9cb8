package dev.camrelay.rtsp.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RtspTransportTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // header | tcp | il rtp | il rtcp | client | server | ssrc | source | record
        "RTP/AVP;unicast;client_port=5000-5001 | false | -1 | -1 | 5000 | -1 | -1 | '' | false",
        "RTP/AVP/UDP;unicast;client_port=5000-5001;server_port=6970-6971;ssrc=5A3C1E2F"
                + " | false | -1 | -1 | 5000 | 6970 | 1513889327 | '' | false",
        "RTP/AVP;unicast;interleaved=0-1 | true | 0 | 1 | -1 | -1 | -1 | '' | false",
        "RTP/AVP/TCP;interleaved=0 | true | 0 | 1 | -1 | -1 | -1 | '' | false",
        "RTP/AVP/TCP;unicast;interleaved=10-11;ssrc=1234 | true | 10 | 11 | -1 | -1 | 4660 | '' | false",
        "RTP/AVP;unicast;client_port=5000-5001;source=;server_port=6970"
                + " | false | -1 | -1 | 5000 | 6970 | -1 | '' | false",
        "RTP/AVP;unicast;client_port=5000-5001;source=192.168.1.10 | false | -1 | -1 | 5000 | -1 | -1 | 192.168.1.10"
                + " | false",
        "RTP/AVP/TCP;unicast;interleaved=0-1;mode=receive | true | 0 | 1 | -1 | -1 | -1 | '' | true",
        "rtp/avp/tcp;unicast;interleaved=2-3;mode=\"RECORD\" | true | 2 | 3 | -1 | -1 | -1 | '' | true",
        "RTP/AVP;unicast;client_port=5000-5001;ssrc=notahexvalue | false | -1 | -1 | 5000 | -1 | -1 | '' | false",
        "RTP/AVP;unicast;client_port= | false | -1 | -1 | -1 | -1 | -1 | '' | false",
    })
    void camerasTransportHeadersAreReadLeniently(String header, boolean tcp, int ilRtp, int ilRtcp, int client,
                                                 int server, long ssrc, String source, boolean record) {
        RtspTransport t = RtspTransport.parse(header);
        assertThat(t).isNotNull();
        assertThat(t.profile()).isEqualTo("RTP/AVP");
        assertThat(t.tcp()).isEqualTo(tcp);
        assertThat(t.interleavedRtp()).isEqualTo(ilRtp);
        assertThat(t.interleavedRtcp()).isEqualTo(ilRtcp);
        assertThat(t.clientRtpPort()).isEqualTo(client);
        assertThat(t.serverRtpPort()).isEqualTo(server);
        if (server >= 0) {
            assertThat(t.serverRtcpPort()).isEqualTo(server + 1);
        }
        assertThat(t.ssrc()).isEqualTo(ssrc);
        assertThat(t.source()).isEqualTo(source);
        assertThat(t.record()).isEqualTo(record);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "RTP/AVP/TCP;unicast;interleaved=0-1",
        "RTP/AVP;unicast;client_port=5000-5001;server_port=6970-6971;ssrc=0000ABCD",
        "RTP/AVP/TCP;unicast;interleaved=4-5;mode=record",
    })
    void formattedSpecsParseBackEqual(String header) {
        RtspTransport t = RtspTransport.parse(header);
        assertThat(RtspTransport.parse(t.format())).isEqualTo(t);
        assertThat(t.format()).isEqualTo(header);
    }

    @Test
    void severalOffersAreSplitAndNonRtpSpecsSkipped() {
        List<RtspTransport> all = RtspTransport.parseAll(
                "RTP/AVP;unicast;client_port=5000-5001, x-real-rdt/udp;client_port=7000, "
                        + "RTP/AVP/TCP;interleaved=0-1");
        assertThat(all).extracting(RtspTransport::tcp).containsExactly(false, true);
    }
}
