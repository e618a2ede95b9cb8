package dev.camrelay.rtsp.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RtspFramerTest {

    private static final String OPTIONS_REPLY = "RTSP/1.0 200 OK\r\nCSeq: 1\r\n"
            + "Public: OPTIONS, DESCRIBE, SETUP, PLAY, GET_PARAMETER\r\n\r\n";
    private static final String SDP = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=x\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\n";
    private static final String DESCRIBE_REPLY = "RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Type: application/sdp\r\n"
            + "Content-Base: rtsp://cam/stream/\r\nContent-Length: " + SDP.length() + "\r\n\r\n" + SDP;
    private static final String SERVER_REQUEST = "GET_PARAMETER rtsp://cam/stream RTSP/1.0\r\nCSeq: 7\r\n\r\n";

    private static byte[] interleaved(int channel, int length) {
        byte[] f = new byte[4 + length];
        f[0] = '$';
        f[1] = (byte) channel;
        f[2] = (byte) (length >> 8);
        f[3] = (byte) length;
        for (int i = 0; i < length; i++) {
            f[4 + i] = (byte) (i == 0 ? 0x80 : i);
        }
        return f;
    }

    private static byte[] concat(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            byte[] b = p instanceof String s ? s.getBytes(StandardCharsets.ISO_8859_1) : (byte[]) p;
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    /** Feeds the bytes in chunks of {@code chunk} and returns everything emitted, in order. */
    private static List<Object> frame(EmbeddedChannel ch, byte[] bytes, int chunk) {
        for (int i = 0; i < bytes.length; i += chunk) {
            ch.writeInbound(Unpooled.wrappedBuffer(bytes, i, Math.min(chunk, bytes.length - i)));
        }
        List<Object> out = new ArrayList<>();
        Object m;
        while ((m = ch.readInbound()) != null) {
            out.add(m);
        }
        return out;
    }

    /**
     * Frames are zero-copy retained slices of the framer's cumulation, so they share its reference count and
     * {@code release()} returns true only for the last holder; the paranoid leak detector and {@code finish()}
     * prove nothing is left.
     */
    private static void releaseSlice(InterleavedFrame f) {
        int before = f.refCnt();
        f.release();
        assertThat(f.refCnt()).isEqualTo(before - 1);
    }

    private static void assertInterleaved(Object m, int channel, int length) {
        assertThat(m).isInstanceOf(InterleavedFrame.class);
        InterleavedFrame f = (InterleavedFrame) m;
        assertThat(f.channel()).isEqualTo(channel);
        assertThat(f.content().readableBytes()).isEqualTo(length);
        assertThat(f.content().getByte(f.content().readerIndex())).isEqualTo((byte) 0x80);
        releaseSlice(f);
    }

    @Test
    void responsesServerRequestsAndInterleavedFramesAreSplitInAnyOrder() {
        byte[] stream = concat(OPTIONS_REPLY, interleaved(0, 1400), SERVER_REQUEST, interleaved(1, 28),
                DESCRIBE_REPLY, interleaved(0, 12));
        for (int chunk : new int[] {1, 3, 7, 64, stream.length}) {
            EmbeddedChannel ch = new EmbeddedChannel(new RtspFramer());
            List<Object> out = frame(ch, stream, chunk);
            assertThat(out).hasSize(6);
            RtspResponse options = (RtspResponse) out.get(0);
            assertThat(options.status()).isEqualTo(200);
            assertThat(options.reason()).isEqualTo("OK");
            assertThat(options.headers().get("cseq")).isEqualTo("1");
            assertInterleaved(out.get(1), 0, 1400);
            RtspRequest req = (RtspRequest) out.get(2);
            assertThat(req.method()).isEqualTo("GET_PARAMETER");
            assertThat(req.uri()).isEqualTo("rtsp://cam/stream");
            assertThat(req.headers().get("CSeq")).isEqualTo("7");
            assertInterleaved(out.get(3), 1, 28);
            RtspResponse describe = (RtspResponse) out.get(4);
            assertThat(describe.bodyAsString()).isEqualTo(SDP);
            assertThat(describe.headers().get("content-base")).isEqualTo("rtsp://cam/stream/");
            assertInterleaved(out.get(5), 0, 12);
            assertFalse(ch.finish());
        }
    }

    @Test
    void interleavedFrameBeforeThePlayReplyIsDeliveredFirst() {
        byte[] stream = concat(interleaved(0, 100), "RTSP/1.0 200 OK\r\nCSeq: 5\r\nSession: 1234;timeout=60\r\n\r\n");
        EmbeddedChannel ch = new EmbeddedChannel(new RtspFramer());
        List<Object> out = frame(ch, stream, 5);
        assertInterleaved(out.get(0), 0, 100);
        assertThat(((RtspResponse) out.get(1)).headers().get("Session")).isEqualTo("1234;timeout=60");
        assertFalse(ch.finish());
    }

    @Test
    void garbageIsSkippedUpToTheNextPlausibleStartAndCounted() {
        byte[] garbage = {0x01, 0x02, '$', 0x00, 0x00, 0x02, 0x11, 0x22, 'x', 'Y', 'Z', ':', 0x7f, '\r', '\n'};
        byte[] stream = concat(garbage, interleaved(2, 40), garbage, OPTIONS_REPLY);
        RtspFramer framer = new RtspFramer();
        EmbeddedChannel ch = new EmbeddedChannel(framer);
        List<Object> out = frame(ch, stream, 4);
        assertThat(out).hasSize(2);
        assertInterleaved(out.get(0), 2, 40);
        assertThat(((RtspResponse) out.get(1)).headers().get("CSeq")).isEqualTo("1");
        assertThat(framer.bytesSkipped()).isEqualTo(2L * garbage.length);
        assertFalse(ch.finish());
    }

    @Test
    void aTextLineThatIsNotAStartLineIsSkipped() {
        byte[] stream = concat("HELLO world\r\n", "PLAY rtsp://x RTSP/1.0\r\nCSeq: 3\r\n\r\n");
        RtspFramer framer = new RtspFramer();
        EmbeddedChannel ch = new EmbeddedChannel(framer);
        List<Object> out = frame(ch, stream, 2);
        assertThat(out).hasSize(1);
        assertThat(((RtspRequest) out.get(0)).method()).isEqualTo("PLAY");
        assertThat(framer.bytesSkipped()).isEqualTo("HELLO world\r\n".length());
        assertFalse(ch.finish());
    }

    @Test
    void emptyHeaderValuesContinuationLinesAndBareLfAreAccepted() {
        byte[] stream = concat("RTSP/1.0 401 Unauthorized\nCSeq: 2\nServer:\nWWW-Authenticate: Digest realm=\"a\",\n"
                + "  nonce=\"b\"\nWWW-Authenticate: Basic realm=\"a\"\n\n");
        EmbeddedChannel ch = new EmbeddedChannel(new RtspFramer());
        RtspResponse r = (RtspResponse) frame(ch, stream, 1000).get(0);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.headers().get("Server")).isEmpty();
        assertThat(r.headers().getAll("www-authenticate"))
                .containsExactly("Digest realm=\"a\", nonce=\"b\"", "Basic realm=\"a\"");
        assertFalse(ch.finish());
    }

    private static RtspProtocolError singleError(byte[] stream) {
        EmbeddedChannel ch = new EmbeddedChannel(new RtspFramer());
        List<Object> out = frame(ch, concat(stream, OPTIONS_REPLY, interleaved(0, 20)), 512);
        assertThat(out).hasSize(1);
        assertFalse(ch.finish());
        return (RtspProtocolError) out.get(0);
    }

    @Test
    void headerLineLongerThanTheLimitIsAProtocolErrorAndLaterInputIsDiscarded() {
        String longValue = "a".repeat(RtspLimits.MAX_HEADER_LINE_LENGTH);
        RtspProtocolError e = singleError(concat("RTSP/1.0 200 OK\r\nX-Long: " + longValue + "\r\n\r\n"));
        assertThat(e.kind()).isEqualTo(RtspProtocolError.Kind.HEADER_LINE_TOO_LONG);
    }

    @Test
    void startLineLongerThanTheLimitIsAProtocolError() {
        String uri = "rtsp://cam/" + "p".repeat(RtspLimits.MAX_START_LINE_LENGTH);
        RtspProtocolError e = singleError(concat("DESCRIBE " + uri + " RTSP/1.0\r\n\r\n"));
        assertThat(e.kind()).isEqualTo(RtspProtocolError.Kind.START_LINE_TOO_LONG);
    }

    @Test
    void tooManyHeadersIsAProtocolError() {
        StringBuilder sb = new StringBuilder("RTSP/1.0 200 OK\r\n");
        for (int i = 0; i <= RtspLimits.MAX_HEADER_COUNT; i++) {
            sb.append("X-H").append(i).append(": v\r\n");
        }
        RtspProtocolError e = singleError(concat(sb.append("\r\n").toString()));
        assertThat(e.kind()).isEqualTo(RtspProtocolError.Kind.TOO_MANY_HEADERS);
    }

    @Test
    void bodyLargerThanTheLimitOrBadContentLengthIsAProtocolError() {
        assertThat(singleError(concat("RTSP/1.0 200 OK\r\nContent-Length: " + (RtspLimits.MAX_BODY_LENGTH + 1)
                + "\r\n\r\n")).kind()).isEqualTo(RtspProtocolError.Kind.BODY_TOO_LARGE);
        assertThat(singleError(concat("RTSP/1.0 200 OK\r\nContent-Length: 12x\r\n\r\n")).kind())
                .isEqualTo(RtspProtocolError.Kind.BAD_CONTENT_LENGTH);
        assertThat(singleError(concat("RTSP/1.0 200 OK\r\nContent-Length: -1\r\n\r\n")).kind())
                .isEqualTo(RtspProtocolError.Kind.BAD_CONTENT_LENGTH);
    }

    @Test
    void interleavedFrameOverTheConfiguredLimitIsAProtocolError() {
        EmbeddedChannel ch = new EmbeddedChannel(new RtspFramer(1500));
        List<Object> out = frame(ch, concat(interleaved(0, 1500), interleaved(0, 1501)), 100);
        assertThat(out).hasSize(2);
        assertInterleaved(out.get(0), 0, 1500);
        assertThat(((RtspProtocolError) out.get(1)).kind()).isEqualTo(RtspProtocolError.Kind.INTERLEAVED_TOO_LONG);
        assertFalse(ch.finish());
    }

    @Test
    void endlessGarbageIsAProtocolError() {
        EmbeddedChannel ch = new EmbeddedChannel(new RtspFramer());
        byte[] junk = new byte[RtspLimits.MAX_RESYNC_BYTES + 10];
        List<Object> out = frame(ch, junk, 8192);
        assertThat(out).hasSize(1);
        assertThat(((RtspProtocolError) out.get(0)).kind()).isEqualTo(RtspProtocolError.Kind.TOO_MUCH_GARBAGE);
        assertFalse(ch.finish());
    }

    @Test
    void encoderOutputFramesBackToTheSameMessages() {
        EmbeddedChannel enc = new EmbeddedChannel(new RtspEncoder());
        RtspRequest setup = new RtspRequest("SETUP", "rtsp://cam/stream/trackID=1",
                new RtspHeaders().add("CSeq", "3").add("Transport", "RTP/AVP/TCP;unicast;interleaved=0-1"));
        RtspResponse describe = new RtspResponse("RTSP/1.0", 200, "OK",
                new RtspHeaders().add("CSeq", "2"), SDP.getBytes(StandardCharsets.UTF_8));
        ByteBuf rtp = Unpooled.wrappedBuffer(new byte[] {(byte) 0x80, 96, 0, 1});
        assertTrue(enc.writeOutbound(setup, describe, new InterleavedFrame(1, rtp)));
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        ByteBuf b;
        while ((b = enc.readOutbound()) != null) {
            wire.writeBytes(ByteBufUtil.getBytes(b));
            assertTrue(b.release());
        }
        assertFalse(enc.finish());
        assertThat(rtp.refCnt()).isZero();

        EmbeddedChannel dec = new EmbeddedChannel(new RtspFramer());
        List<Object> out = frame(dec, wire.toByteArray(), 9);
        assertThat(out.get(0)).isEqualTo(setup);
        RtspResponse back = (RtspResponse) out.get(1);
        assertThat(back.bodyAsString()).isEqualTo(SDP);
        assertThat(back.headers().get("Content-Length")).isEqualTo(String.valueOf(SDP.length()));
        InterleavedFrame f = (InterleavedFrame) out.get(2);
        assertThat(f.channel()).isEqualTo(1);
        assertThat(ByteBufUtil.getBytes(f.content())).containsExactly(0x80, 96, 0, 1);
        releaseSlice(f);
        assertFalse(dec.finish());
    }

    @Test
    void randomChunkingNeverChangesTheFramesAndRandomBytesNeverThrow() {
        java.util.Random random = new java.util.Random(7);
        for (int run = 0; run < 50; run++) {
            List<Object> parts = new ArrayList<>();
            List<String> expected = new ArrayList<>();
            for (int m = 0; m < 20; m++) {
                switch (random.nextInt(3)) {
                    case 0 -> {
                        parts.add(interleaved(random.nextInt(4), 1 + random.nextInt(3000)));
                        expected.add("frame");
                    }
                    case 1 -> {
                        parts.add(DESCRIBE_REPLY);
                        expected.add("response");
                    }
                    default -> {
                        parts.add(SERVER_REQUEST);
                        expected.add("request");
                    }
                }
            }
            byte[] stream = concat(parts.toArray());
            EmbeddedChannel ch = new EmbeddedChannel(new RtspFramer());
            int pos = 0;
            List<String> got = new ArrayList<>();
            while (pos < stream.length) {
                int n = Math.min(stream.length - pos, 1 + random.nextInt(700));
                ch.writeInbound(Unpooled.wrappedBuffer(stream, pos, n));
                pos += n;
                Object o;
                while ((o = ch.readInbound()) != null) {
                    got.add(o instanceof InterleavedFrame ? "frame"
                            : o instanceof RtspResponse ? "response" : "request");
                    if (o instanceof InterleavedFrame f) {
                        f.release();
                    }
                }
            }
            assertThat(got).isEqualTo(expected);
            assertFalse(ch.finish());

            byte[] noise = new byte[20_000];
            random.nextBytes(noise);
            EmbeddedChannel noisy = new EmbeddedChannel(new RtspFramer());
            for (Object o : frame(noisy, noise, 1 + random.nextInt(2000))) {
                if (o instanceof InterleavedFrame f) {
                    f.release();
                }
            }
            assertFalse(noisy.finish());
        }
    }
}
