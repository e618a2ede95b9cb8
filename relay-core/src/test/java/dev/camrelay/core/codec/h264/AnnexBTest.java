package dev.camrelay.core.codec.h264;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class AnnexBTest {

    private static final byte[] SPS = {0x67, 0x42, (byte) 0xc0, 0x1e, 0x1};
    private static final byte[] PPS = {0x68, (byte) 0xce, 0x3c, (byte) 0x80};
    private static final byte[] IDR = {0x65, (byte) 0x88, 0x10, 0x20};
    private static final byte[] P1 = {0x41, (byte) 0x9a, 0x01};
    private static final byte[] P2 = {0x41, (byte) 0x9a, 0x02};

    private static byte[] stream(byte[]... nals) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean four = true;
        for (byte[] nal : nals) {
            out.writeBytes(four ? new byte[] {0, 0, 0, 1} : new byte[] {0, 0, 1});
            four = !four;
            out.writeBytes(nal);
        }
        return out.toByteArray();
    }

    @Test
    void splitsOnThreeAndFourByteStartCodes() {
        List<byte[]> nals = AnnexB.split(stream(SPS, PPS, IDR, P1));
        assertThat(nals).containsExactly(SPS, PPS, IDR, P1);
    }

    @Test
    void groupsNalUnitsIntoAccessUnitsAtEachNewPicture() {
        byte[] sei = SeiCameraTag.buildSei("CAM");
        List<List<byte[]>> units = AnnexB.accessUnits(AnnexB.split(stream(SPS, PPS, sei, IDR, sei, P1, P2)));

        assertThat(units).hasSize(3);
        assertThat(units.get(0)).containsExactly(SPS, PPS, sei, IDR);
        assertThat(units.get(1)).containsExactly(sei, P1);
        assertThat(units.get(2)).containsExactly(P2);
    }

    @Test
    void avccRoundTripsAndStopsAtATruncatedLength() {
        byte[] avcc = AnnexB.toAvcc(List.of(SPS, IDR));
        assertThat(AnnexB.fromAvcc(avcc, 0, avcc.length)).containsExactly(SPS, IDR);
        assertThat(AnnexB.fromAvcc(avcc, 0, avcc.length - 1)).containsExactly(SPS);
    }

    @Test
    void seiCameraTagIsFoundInTheAccessUnitThatCarriesIt() {
        byte[] tagged = AnnexB.toAvcc(List.of(SeiCameraTag.buildSei("CAMERA-A"), P1));
        byte[] untagged = AnnexB.toAvcc(List.of(P1));

        assertThat(SeiCameraTag.findInAvcc(tagged)).contains("CAMERA-A");
        assertThat(SeiCameraTag.findInAvcc(untagged)).isEmpty();
    }

    @Property(tries = 300)
    void rbspEscapingRoundTripsAndLeavesNoStartCodePrefix(@ForAll byte[] rbsp) {
        byte[] escaped = Rbsp.escape(rbsp);
        assertThat(Rbsp.unescape(escaped, 0, escaped.length)).isEqualTo(rbsp);
        for (int i = 0; i + 2 < escaped.length; i++) {
            boolean prefix = escaped[i] == 0 && escaped[i + 1] == 0 && (escaped[i + 2] & 0xff) <= 2;
            assertThat(prefix).as("00 00 0x at %d", i).isFalse();
        }
    }

    @Property(tries = 300)
    void taggedSeiSurvivesAnyTagText(@ForAll("tags") String tag) {
        assertThat(SeiCameraTag.findInAvcc(AnnexB.toAvcc(List.of(SeiCameraTag.buildSei(tag))))).contains(tag);
    }

    @Provide
    Arbitrary<String> tags() {
        return Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(40);
    }
}
