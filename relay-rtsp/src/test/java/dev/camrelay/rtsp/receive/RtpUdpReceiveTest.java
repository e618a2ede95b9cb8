package dev.camrelay.rtsp.receive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.camrelay.core.media.AccessUnit;
import dev.camrelay.rtsp.depacketize.AccessUnitSink;
import dev.camrelay.rtsp.depacketize.H264Depacketizer;
import dev.camrelay.rtsp.depacketize.H265Depacketizer;
import dev.camrelay.rtsp.depacketize.FramePerPacketDepacketizer;
import dev.camrelay.rtsp.depacketize.RtpDepacketizer;
import dev.camrelay.rtsp.rtp.TestRtp;
import dev.camrelay.rtsp.sdp.H264Fmtp;
import dev.camrelay.rtsp.sdp.H265Fmtp;
import dev.camrelay.rtsp.sdp.MediaDescription;
import dev.camrelay.rtsp.sdp.SdpParser;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import dev.camrelay.rtsp.testing.ExternalTool;

/** RTP over real UDP sockets on 127.0.0.1: Netty datagram channels with the relay's receive options. */
class RtpUdpReceiveTest {

    @TempDir
    Path dir;
    private EventLoopGroup group;
    private final List<Channel> channels = new ArrayList<>();

    @BeforeEach
    void start() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (Channel c : channels) {
            c.close().await(5, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    private Channel bind(Consumer<DatagramPacket> onPacket) throws InterruptedException {
        Bootstrap b = UdpReceiveOptions.apply(new Bootstrap().group(group).channel(NioDatagramChannel.class))
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket msg) {
                        onPacket.accept(msg);
                    }
                });
        Channel c = b.bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        channels.add(c);
        return c;
    }

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

    @Test
    void aNineKilobyteRtpDatagramArrivesWhole() throws Exception {
        List<Integer> lengths = new CopyOnWriteArrayList<>();
        ByteBufView view = new ByteBufView();
        dev.camrelay.rtsp.rtp.RtpPacket packet = new dev.camrelay.rtsp.rtp.RtpPacket();
        Channel ch = bind(d -> {
            DirectBuffer v = view.wrap(d.content());
            if (packet.wrap(v, view.offset(), d.content().readableBytes()) == 0) {
                lengths.add(packet.payloadLength());
            }
        });
        byte[] rtp = TestRtp.packet(1, 0, true, new byte[8988]);
        try (DatagramSocket s = new DatagramSocket()) {
            s.send(new java.net.DatagramPacket(rtp, rtp.length, (InetSocketAddress) ch.localAddress()));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (lengths.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(lengths).containsExactly(8988);
    }

    /** One ffmpeg RTP session received over UDP: what came out, and the receiver that did it. */
    private record Run(Collect sink, RtpTrackReceiver receiver, MediaDescription media) {
    }

    /**
     * Streams {@code seconds} of ffmpeg output as RTP to two bound UDP channels (RTP, RTCP); the depacketizer is
     * made from ffmpeg's SDP once written, packets arriving before that are queued on the event loop.
     */
    private Run runFfmpegRtp(List<String> inputAndCodecArgs, int clockRate,
                             BiFunction<MediaDescription, AccessUnitSink, RtpDepacketizer> makeDepacketizer)
            throws Exception {
        String ffmpeg = ExternalTool.require("ffmpeg");
        Collect sink = new Collect();
        RtpTrackReceiver[] receiver = {null};
        List<byte[]> pending = new ArrayList<>();
        ByteBufView rtpView = new ByteBufView();
        ByteBufView rtcpView = new ByteBufView();
        Channel rtp = bind(d -> {
            if (receiver[0] == null) {
                pending.add(ByteBufUtil.getBytes(d.content()));
                return;
            }
            DirectBuffer v = rtpView.wrap(d.content());
            receiver[0].onRtp(v, rtpView.offset(), d.content().readableBytes(), System.nanoTime());
        });
        Channel rtcp = bind(d -> {
            if (receiver[0] != null) {
                DirectBuffer v = rtcpView.wrap(d.content());
                receiver[0].onRtcp(v, rtcpView.offset(), d.content().readableBytes(), System.nanoTime());
            }
        });
        int rtpPort = ((InetSocketAddress) rtp.localAddress()).getPort();
        int rtcpPort = ((InetSocketAddress) rtcp.localAddress()).getPort();
        Path sdpFile = dir.resolve("stream-" + rtpPort + ".sdp");
        Path log = dir.resolve("ffmpeg-" + rtpPort + ".log");
        List<String> cmd = new ArrayList<>(List.of(ffmpeg, "-nostdin", "-hide_banner", "-re"));
        cmd.addAll(inputAndCodecArgs);
        cmd.addAll(List.of("-t", "2", "-f", "rtp", "-sdp_file", sdpFile.toString(),
                "rtp://127.0.0.1:" + rtpPort + "?rtcpport=" + rtcpPort + "&pkt_size=1200"));
        Process p = ExternalTool.start(log, 60, cmd.toArray(String[]::new));
        MediaDescription media;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while ((!Files.exists(sdpFile) || Files.size(sdpFile) == 0) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(sdpFile).as("ffmpeg wrote no SDP; log:\n%s", Files.exists(log) ? Files.readString(log) : "")
                    .exists();
            Thread.sleep(100); // the SDP file is written in one go; let it finish
            media = SdpParser.parse(Files.readString(sdpFile)).media().get(0);
            MediaDescription m = media;
            rtp.eventLoop().submit(() -> {
                receiver[0] = new RtpTrackReceiver(clockRate, makeDepacketizer.apply(m, sink), true);
                for (byte[] b : pending) {
                    receiver[0].onRtp(new UnsafeBuffer(b), 0, b.length, System.nanoTime());
                }
            }).sync();
            assertThat(ExternalTool.await(p, 60, log)).as("ffmpeg exit; log:\n%s", Files.readString(log)).isZero();
        } finally {
            ExternalTool.kill(p);
        }
        Thread.sleep(200);
        rtp.eventLoop().submit(() -> receiver[0].poll(Long.MAX_VALUE / 2)).sync();
        rtp.eventLoop().submit(() -> receiver[0].depacketizer().flush()).sync();
        return new Run(sink, receiver[0], media);
    }

    /**
     * Without a global header x264 repeats SPS/PPS in-band and ffmpeg's SDP has no sprop-parameter-sets; with
     * {@code -flags +global_header} they are only in the SDP, and the depacketizer must put them before each IDR.
     */
    @ParameterizedTest(name = "global header: {0}")
    @ValueSource(booleans = {false, true})
    void realFfmpegRtpIsDepacketizedIntoWholeFramesWithParameterSetsOnEveryKeyframe(boolean globalHeader)
            throws Exception {
        Run run = runFfmpegRtp(List.of("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-c:v", "libx264",
                "-flags", globalHeader ? "+global_header" : "-global_header", "-g", "25"), 90_000, (m, s) -> {
                    H264Depacketizer d = new H264Depacketizer(0, s);
                    d.setParameterSets(H264Fmtp.of(m).parameterSets());
                    return d;
                });
        H264Fmtp fmtp = H264Fmtp.of(run.media());
        assertThat(fmtp.packetizationMode()).isEqualTo(1);
        assertThat(fmtp.parameterSets()).hasSize(globalHeader ? 2 : 0);
        Collect sink = run.sink();
        RtpTrackReceiver receiver = run.receiver();
        RtpDepacketizer depacketizer = receiver.depacketizer();
        List<AccessUnit> units = sink.units;
        assertThat(units).hasSize(50);
        assertThat(depacketizer.lossEvents()).isZero();
        assertThat(depacketizer.accessUnitsDropped()).isZero();
        List<Integer> keyframes = new ArrayList<>();
        for (int i = 0; i < units.size(); i++) {
            if (units.get(i).keyframe()) {
                keyframes.add(i);
            }
        }
        assertThat(keyframes).containsExactly(0, 25);
        for (int i : keyframes) {
            byte[] au = units.get(i).payload();
            assertThat(au[4] & 0x1F).as("keyframe %d starts with an SPS", i).isEqualTo(7);
            int spsLength = ByteBuffer.wrap(au).getInt();
            assertThat(au[4 + spsLength + 4] & 0x1F).as("then a PPS").isEqualTo(8);
        }
        for (AccessUnit au : units) {
            ByteBuffer b = ByteBuffer.wrap(au.payload());
            while (b.hasRemaining()) {
                int n = b.getInt();
                assertThat(n).isPositive().isLessThanOrEqualTo(b.remaining());
                b.position(b.position() + n);
            }
        }
        long[] pts = units.stream().mapToLong(AccessUnit::pts).sorted().toArray();
        for (int i = 1; i < pts.length; i++) {
            assertThat(pts[i] - pts[i - 1]).isEqualTo(3600);
        }
        assertThat(receiver.senderReports()).isPositive();
        assertThat(receiver.clock().hasSenderReport()).isTrue();
        long wall = receiver.clock().wallclockNanos(units.get(0).pts() & 0xFFFF_FFFFL);
        assertThat(Math.abs(wall - System.currentTimeMillis() * 1_000_000L)).isLessThan(60_000_000_000L);
    }

    @Test
    void realFfmpegHevcRtpGivesWholeFramesWithIrapKeyframes() throws Exception {
        Run run = runFfmpegRtp(List.of("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-c:v", "libx265",
                "-x265-params", "keyint=25:min-keyint=25:scenecut=0:bframes=0:log-level=error"), 90_000, (m, s) -> {
                    H265Fmtp fmtp = H265Fmtp.of(m);
                    H265Depacketizer d = new H265Depacketizer(0, s, fmtp.maxDonDiff());
                    d.setParameterSets(fmtp.parameterSets());
                    return d;
                });
        assertThat(run.media().encodingName()).isEqualTo("H265");
        List<AccessUnit> units = run.sink().units;
        assertThat(units).hasSize(50);
        assertThat(run.receiver().depacketizer().lossEvents()).isZero();
        List<Integer> keyframes = new ArrayList<>();
        for (int i = 0; i < units.size(); i++) {
            if (units.get(i).keyframe()) {
                keyframes.add(i);
                byte[] au = units.get(i).payload();
                assertThat((au[4] >> 1) & 0x3F).as("keyframe %d starts with a VPS", i).isEqualTo(32);
            }
            assertThat(units.get(i).pts() - units.get(0).pts()).isEqualTo(3600L * i);
        }
        assertThat(keyframes).containsExactly(0, 25);
    }

    @Test
    void realFfmpegOpusAndPcmuRtpGiveOneFramePerPacket() throws Exception {
        Run opus = runFfmpegRtp(List.of("-f", "lavfi", "-i", "sine=sample_rate=48000", "-c:a", "libopus"), 48_000,
                (m, s) -> FramePerPacketDepacketizer.opus(0, s, true));
        assertThat(opus.media().encodingName()).isEqualTo("OPUS");
        assertThat(opus.media().clockRate()).isEqualTo(48_000);
        assertThat(opus.sink().units.size()).isBetween(95, 102); // 20 ms frames for 2 s
        assertThat(opus.receiver().depacketizer().lossEvents()).isZero();
        for (int i = 1; i < opus.sink().units.size(); i++) {
            assertThat(opus.sink().units.get(i).pts() - opus.sink().units.get(i - 1).pts()).isEqualTo(960);
        }

        Run pcmu = runFfmpegRtp(List.of("-f", "lavfi", "-i", "sine=sample_rate=8000", "-c:a", "pcm_mulaw",
                "-ar", "8000", "-ac", "1"), 8000, (m, s) -> FramePerPacketDepacketizer.g711(0, s, true));
        assertThat(pcmu.media().encodingName()).isEqualTo("PCMU");
        assertThat(pcmu.sink().units.stream().mapToInt(AccessUnit::size).sum()).isEqualTo(16_000);
        assertThat(pcmu.receiver().depacketizer().lossEvents()).isZero();
    }
}
