package dev.camrelay.rtsp.receive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.camrelay.core.media.AccessUnit;
import dev.camrelay.rtsp.auth.DigestAuth;
import dev.camrelay.rtsp.depacketize.AacDepacketizer;
import dev.camrelay.rtsp.depacketize.AccessUnitSink;
import dev.camrelay.rtsp.depacketize.H264Depacketizer;
import dev.camrelay.rtsp.depacketize.RtpDepacketizer;
import dev.camrelay.rtsp.message.InterleavedFrame;
import dev.camrelay.rtsp.message.RtspEncoder;
import dev.camrelay.rtsp.message.RtspFramer;
import dev.camrelay.rtsp.message.RtspHeaders;
import dev.camrelay.rtsp.message.RtspProtocolError;
import dev.camrelay.rtsp.message.RtspRequest;
import dev.camrelay.rtsp.message.RtspResponse;
import dev.camrelay.rtsp.sdp.AacFmtp;
import dev.camrelay.rtsp.sdp.H264Fmtp;
import dev.camrelay.rtsp.sdp.MediaDescription;
import dev.camrelay.rtsp.sdp.SdpParser;
import dev.camrelay.rtsp.sdp.SessionDescription;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import dev.camrelay.rtsp.testing.ExternalTool;

/**
 * A real ffmpeg publishing over RTSP with TCP-interleaved transport (ANNOUNCE/SETUP/RECORD, protocols.md 2) into a
 * minimal test-side server built on {@link RtspFramer}, {@link RtspEncoder}, {@link SdpParser} and the
 * depacketizers, behind Digest authentication: the real byte stream must frame cleanly and give whole H.264 and
 * AAC access units.
 */
class FfmpegRtspPushTest {

    private static final String REALM = "camrelay-test";
    private static final String NONCE = "4f1b2c3d";
    private static final String USER = "user";
    private static final String PASSWORD = "pw";
    private static final Pattern INTERLEAVED = Pattern.compile("interleaved=(\\d+)(?:-(\\d+))?");

    @TempDir
    Path dir;

    private static final class Collect implements AccessUnitSink {
        final List<AccessUnit> units = new CopyOnWriteArrayList<>();

        @Override
        public void onAccessUnit(int track, long pts, long dts, boolean keyframe, DirectBuffer buffer, int offset,
                                 int length) {
            byte[] b = new byte[length];
            buffer.getBytes(offset, b);
            units.add(new AccessUnit(track, pts, dts, keyframe, b));
        }
    }

    /** Just enough of an ANNOUNCE/RECORD server for the test; the relay's real server is not built yet. */
    private static final class RecordHandler extends SimpleChannelInboundHandler<Object> {
        final Collect sink = new Collect();
        final List<String> methods = new CopyOnWriteArrayList<>();
        final List<RtspProtocolError> errors = new CopyOnWriteArrayList<>();
        final Map<Integer, RtpTrackReceiver> byChannel = new ConcurrentHashMap<>();
        final List<RtpTrackReceiver> tracks = new CopyOnWriteArrayList<>();
        final List<MediaDescription> media = new CopyOnWriteArrayList<>();
        final ByteBufView view = new ByteBufView();
        final List<String> authorizations = new CopyOnWriteArrayList<>();
        volatile int unauthorized;
        volatile boolean tornDown;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof InterleavedFrame f) {
                RtpTrackReceiver r = byChannel.get(f.channel() & ~1);
                if (r != null) {
                    DirectBuffer v = view.wrap(f.content());
                    int n = f.content().readableBytes();
                    if ((f.channel() & 1) == 0) {
                        r.onRtp(v, view.offset(), n, System.nanoTime());
                    } else {
                        r.onRtcp(v, view.offset(), n, System.nanoTime());
                    }
                }
            } else if (msg instanceof RtspRequest req) {
                methods.add(req.method());
                RtspHeaders h = new RtspHeaders().add("CSeq", req.headers().get("CSeq"));
                String authorization = req.headers().get("Authorization");
                if (!DigestAuth.verify(authorization, req.method(), REALM, NONCE, USER, PASSWORD)) {
                    // protocols.md 2.4: ffmpeg's first request has no credentials; answer 401, keep the connection
                    unauthorized++;
                    h.add("WWW-Authenticate", DigestAuth.challenge(REALM, NONCE))
                            .add("WWW-Authenticate", "Basic realm=\"" + REALM + "\"");
                    ctx.writeAndFlush(new RtspResponse("RTSP/1.0", 401, "Unauthorized", h, null));
                    return;
                }
                authorizations.add(authorization);
                switch (req.method()) {
                    case "OPTIONS" -> h.add("Public", "OPTIONS, ANNOUNCE, SETUP, RECORD, TEARDOWN");
                    case "ANNOUNCE" -> announce(SdpParser.parse(req.body()));
                    case "SETUP" -> {
                        String transport = req.headers().get("Transport");
                        Matcher m = INTERLEAVED.matcher(transport);
                        int track = trackOf(req.uri());
                        if (m.find() && track >= 0) {
                            byChannel.put(Integer.parseInt(m.group(1)), tracks.get(track));
                        }
                        h.add("Transport", transport).add("Session", "12345678;timeout=60");
                    }
                    case "RECORD" -> h.add("Session", "12345678");
                    case "TEARDOWN" -> tornDown = true;
                    default -> {
                        ctx.writeAndFlush(new RtspResponse("RTSP/1.0", 501, "Not Implemented", h, null));
                        return;
                    }
                }
                ctx.writeAndFlush(new RtspResponse("RTSP/1.0", 200, "OK", h, null));
            } else if (msg instanceof RtspProtocolError e) {
                errors.add(e);
                ctx.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // ffmpeg may reset the connection as it exits after TEARDOWN
        }

        private int trackOf(String uri) {
            for (int i = 0; i < media.size(); i++) {
                if (uri.endsWith("/" + media.get(i).control())) {
                    return i;
                }
            }
            return -1;
        }

        private void announce(SessionDescription sdp) {
            for (MediaDescription m : sdp.media()) {
                int track = media.size();
                media.add(m);
                RtpDepacketizer d;
                if (m.encodingName().equals("H264")) {
                    H264Depacketizer h264 = new H264Depacketizer(track, sink);
                    h264.setParameterSets(H264Fmtp.of(m).parameterSets());
                    d = h264;
                } else {
                    AacFmtp aac = AacFmtp.of(m);
                    d = new AacDepacketizer(track, sink, aac.sizeLength(), aac.indexLength(),
                            aac.indexDeltaLength(), aac.samplesPerFrame(), false);
                }
                tracks.add(new RtpTrackReceiver(m.clockRate(), d, false));
            }
        }
    }

    @Test
    void ffmpegPublishingH264AndAacOverTcpInterleavedIsFramedAndDepacketized() throws Exception {
        String ffmpeg = ExternalTool.require("ffmpeg");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        RecordHandler handler = new RecordHandler();
        try {
            Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new RtspFramer(), new RtspEncoder(), handler);
                        }
                    }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            Path log = dir.resolve("ffmpeg.log");
            Process p = ExternalTool.start(log, 60, ffmpeg, "-nostdin", "-hide_banner", "-f", "lavfi", "-i",
                    "testsrc2=size=320x240:rate=25", "-f", "lavfi", "-i", "sine=sample_rate=48000", "-t", "2",
                    "-c:v", "libx264", "-g", "25", "-bf", "0", "-c:a", "aac", "-f", "rtsp", "-rtsp_transport", "tcp",
                    "rtsp://" + USER + ":" + PASSWORD + "@127.0.0.1:" + port + "/cam-a");
            assertThat(ExternalTool.await(p, 60, log)).as("ffmpeg exit; log:\n%s", Files.readString(log)).isZero();
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
        for (RtpTrackReceiver r : handler.tracks) {
            r.depacketizer().flush();
        }

        assertThat(handler.errors).isEmpty();
        assertThat(handler.unauthorized).isPositive();
        assertThat(handler.authorizations).isNotEmpty().allMatch(a -> a.startsWith("Digest "));
        assertThat(handler.methods).containsSubsequence("ANNOUNCE", "SETUP", "SETUP", "RECORD", "TEARDOWN");
        assertThat(handler.media).extracting(MediaDescription::encodingName).containsExactly("H264", "MPEG4-GENERIC");

        List<AccessUnit> video = handler.sink.units.stream().filter(u -> u.track() == 0).toList();
        List<AccessUnit> audio = handler.sink.units.stream().filter(u -> u.track() == 1).toList();
        assertThat(video).hasSize(50);
        List<Integer> keyframes = new ArrayList<>();
        for (int i = 0; i < video.size(); i++) {
            if (video.get(i).keyframe()) {
                keyframes.add(i);
                assertThat(video.get(i).payload()[4] & 0x1F).isEqualTo(7);
            }
            assertThat(video.get(i).pts() - video.get(0).pts()).isEqualTo(3600L * i);
        }
        assertThat(keyframes).containsExactly(0, 25);
        for (AccessUnit au : video) {
            ByteBuffer b = ByteBuffer.wrap(au.payload());
            while (b.hasRemaining()) {
                int n = b.getInt();
                assertThat(n).isPositive().isLessThanOrEqualTo(b.remaining());
                b.position(b.position() + n);
            }
        }
        assertThat(audio.size()).isBetween(90, 96); // 2 s of 48 kHz in 1024-sample frames, plus priming
        for (int i = 1; i < audio.size(); i++) {
            assertThat(audio.get(i).pts() - audio.get(i - 1).pts()).isEqualTo(1024);
        }
        for (RtpTrackReceiver r : handler.tracks) {
            assertThat(r.depacketizer().lossEvents()).isZero();
            assertThat(r.depacketizer().accessUnitsDropped()).isZero();
            assertThat(r.invalidPackets()).isZero();
        }
    }
}
