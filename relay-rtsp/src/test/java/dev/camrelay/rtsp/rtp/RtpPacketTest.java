package dev.camrelay.rtsp.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class RtpPacketTest {

    private final RtpPacket packet = new RtpPacket();

    @Test
    void fixedHeaderFieldsAreReadBigEndian() {
        byte[] p = TestRtp.packet(0xFFFE, 0xFFFF_FFF0L, true, 97, 0xCAFEBABE, new byte[] {1, 2, 3});
        assertThat(packet.wrap(new UnsafeBuffer(p), 0, p.length)).isEqualTo(RtpPacket.OK);
        assertThat(packet.sequence()).isEqualTo(0xFFFE);
        assertThat(packet.timestamp()).isEqualTo(0xFFFF_FFF0L);
        assertThat(packet.marker()).isTrue();
        assertThat(packet.payloadType()).isEqualTo(97);
        assertThat(packet.ssrc()).isEqualTo(0xCAFEBABE);
        assertThat(packet.payloadOffset()).isEqualTo(12);
        assertThat(packet.payloadLength()).isEqualTo(3);
    }

    @Test
    void csrcListExtensionAndPaddingAreSkipped() {
        ByteBuffer b = ByteBuffer.allocate(12 + 2 * 4 + 4 + 8 + 5 + 3);
        b.put((byte) (0x80 | 0x20 | 0x10 | 2)).put((byte) 96).putShort((short) 7).putInt(1000).putInt(42);
        b.putInt(1).putInt(2); // CSRCs
        b.putShort((short) 0xBEDE).putShort((short) 2).putLong(0); // extension, 2 words
        b.put(new byte[] {10, 11, 12, 13, 14}); // payload
        b.put(new byte[] {0, 0, 3}); // padding, count 3
        byte[] p = b.array();
        assertThat(packet.wrap(new UnsafeBuffer(p), 0, p.length)).isEqualTo(RtpPacket.OK);
        assertThat(packet.csrcCount()).isEqualTo(2);
        assertThat(packet.payloadOffset()).isEqualTo(12 + 8 + 12);
        assertThat(packet.payloadLength()).isEqualTo(5);
        assertThat(packet.buffer().getByte(packet.payloadOffset())).isEqualTo((byte) 10);
    }

    @Test
    void malformedHeadersAreRejectedWithStatusCodes() {
        byte[] ok = TestRtp.packet(1, 2, false, new byte[4]);
        assertThat(packet.wrap(new UnsafeBuffer(ok), 0, 11)).isEqualTo(RtpPacket.TOO_SHORT);
        byte[] v1 = ok.clone();
        v1[0] = 0x40;
        assertThat(packet.wrap(new UnsafeBuffer(v1), 0, v1.length)).isEqualTo(RtpPacket.BAD_VERSION);
        byte[] csrc = ok.clone();
        csrc[0] = (byte) 0x82; // two CSRCs need 8 bytes, only 4 follow
        assertThat(packet.wrap(new UnsafeBuffer(csrc), 0, csrc.length)).isEqualTo(RtpPacket.TOO_SHORT);
        byte[] ext = ok.clone();
        ext[0] = (byte) 0x90;
        ext[14] = 0;
        ext[15] = 9; // 9 extension words, none present
        assertThat(packet.wrap(new UnsafeBuffer(ext), 0, ext.length)).isEqualTo(RtpPacket.TOO_SHORT);
        byte[] pad = ok.clone();
        pad[0] = (byte) 0xA0;
        pad[pad.length - 1] = 5; // more padding than payload
        assertThat(packet.wrap(new UnsafeBuffer(pad), 0, pad.length)).isEqualTo(RtpPacket.BAD_PADDING);
        pad[pad.length - 1] = 0;
        assertThat(packet.wrap(new UnsafeBuffer(pad), 0, pad.length)).isEqualTo(RtpPacket.BAD_PADDING);
    }
}
