package dev.camrelay.rtsp.receive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.camrelay.core.media.AccessUnit;
import dev.camrelay.rtsp.depacketize.AccessUnitSink;
import dev.camrelay.rtsp.depacketize.H264Depacketizer;
import dev.camrelay.rtsp.rtp.TestRtp;
import dev.camrelay.rtsp.sdp.H264Fmtp;
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
import java.util.function.Consumer;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

    /**
     * Without a global header x264 repeats SPS/PPS in-band and ffmpeg's SDP has no sprop-parameter-sets; with
     * {@code -flags +global_header} they are only in the SDP, and the depacketizer must put them before each IDR.
     */
    @ParameterizedTest(name = "global header: {0}")
    @ValueSource(booleans = {false, true})
    void realFfmpegRtpIsDepacketizedIntoWholeFramesWithParameterSetsOnEveryKeyframe(boolean globalHeader)
            throws Exception {
        String ffmpeg = ExternalTool.require("ffmpeg");
        Collect sink = new Collect();
        H264Depacketizer depacketizer = new H264Depacketizer(0, sink);
        RtpTrackReceiver receiver = new RtpTrackReceiver(90_000, depacketizer, true);
        List<byte[]> pending = new ArrayList<>();
        boolean[] ready = {false};
        ByteBufView rtpView = new ByteBufView();
        ByteBufView rtcpView = new ByteBufView();
        Channel rtp = bind(d -> {
            if (!ready[0]) {
                pending.add(ByteBufUtil.getBytes(d.content()));
                return;
            }
            DirectBuffer v = rtpView.wrap(d.content());
            receiver.onRtp(v, rtpView.offset(), d.content().readableBytes(), System.nanoTime());
        });
        Channel rtcp = bind(d -> {
            DirectBuffer v = rtcpView.wrap(d.content());
            receiver.onRtcp(v, rtcpView.offset(), d.content().readableBytes(), System.nanoTime());
        });
        int rtpPort = ((InetSocketAddress) rtp.localAddress()).getPort();
        int rtcpPort = ((InetSocketAddress) rtcp.localAddress()).getPort();
        Path sdpFile = dir.resolve("stream.sdp");
        Path log = dir.resolve("ffmpeg.log");
        Process p = ExternalTool.start(log, 60, ffmpeg, "-nostdin", "-hide_banner", "-re", "-f", "lavfi", "-i",
                "testsrc2=size=320x240:rate=25", "-t", "2", "-c:v", "libx264", "-flags",
                globalHeader ? "+global_header" : "-global_header", "-g", "25", "-pkt_size", "1200",
                "-f", "rtp", "-sdp_file", sdpFile.toString(),
                "rtp://127.0.0.1:" + rtpPort + "?rtcpport=" + rtcpPort);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while ((!Files.exists(sdpFile) || Files.size(sdpFile) == 0) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(sdpFile).as("ffmpeg wrote no SDP; log:\n%s", Files.exists(log) ? Files.readString(log) : "")
                    .exists();
            Thread.sleep(100); // the SDP file is written in one go; let it finish
            MediaDescription video = SdpParser.parse(Files.readString(sdpFile)).media().get(0);
            H264Fmtp fmtp = H264Fmtp.of(video);
            assertThat(fmtp.packetizationMode()).isEqualTo(1);
            assertThat(fmtp.parameterSets()).hasSize(globalHeader ? 2 : 0);
            rtp.eventLoop().submit(() -> {
                depacketizer.setParameterSets(fmtp.parameterSets());
                ready[0] = true;
                for (byte[] b : pending) {
                    receiver.onRtp(new org.agrona.concurrent.UnsafeBuffer(b), 0, b.length, System.nanoTime());
                }
            }).sync();
            assertThat(ExternalTool.await(p, 60, log)).as("ffmpeg exit; log:\n%s", Files.readString(log)).isZero();
        } finally {
            ExternalTool.kill(p);
        }
        Thread.sleep(200);
        rtp.eventLoop().submit(() -> receiver.poll(Long.MAX_VALUE / 2)).sync();
        rtp.eventLoop().submit(depacketizer::flush).sync();

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
}
