package dev.camrelay.rtsp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.camrelay.core.buffer.StreamBuffer;
import dev.camrelay.core.buffer.StreamReader;
import dev.camrelay.core.ingest.IngestSink;
import dev.camrelay.core.media.AccessUnit;
import dev.camrelay.core.media.StreamFormat;
import dev.camrelay.core.media.StreamKey;
import dev.camrelay.rtsp.depacketize.AccessUnitSink;
import dev.camrelay.rtsp.message.RtspEncoder;
import dev.camrelay.rtsp.message.RtspFramer;
import dev.camrelay.rtsp.sdp.MediaDescription;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import dev.camrelay.rtsp.testing.ExternalTool;

/** Pulls from a real camera: GStreamer's RTSP server (test-rig.md) with Digest authentication. */
class RtspPullSessionTest {

    private static final Path DEBIAN_PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    Path dir;
    private Process camera;
    private int port;
    private EventLoopGroup group;

    private static final class Recorder implements AccessUnitSink, PullSessionListener {
        final List<AccessUnit> units = new CopyOnWriteArrayList<>();
        final List<List<MediaDescription>> playing = new CopyOnWriteArrayList<>();
        final List<String> failures = new CopyOnWriteArrayList<>();

        @Override
        public void onAccessUnit(int track, long pts, long dts, boolean keyframe, DirectBuffer buffer, int offset,
                                 int length) {
            byte[] b = new byte[length];
            buffer.getBytes(offset, b);
            units.add(new AccessUnit(track, pts, dts, keyframe, b));
        }

        @Override
        public void onPlaying(List<MediaDescription> tracks) {
            playing.add(tracks);
        }

        @Override
        public void onFailed(String reason) {
            failures.add(reason);
        }
    }

    @BeforeEach
    void startCamera() throws Exception {
        if (!Files.isExecutable(DEBIAN_PYTHON)) {
            fail("Debian's /usr/bin/python3 with python3-gi and gir1.2-gst-rtsp-server-1.0 is needed (test-rig.md)");
        }
        Path script = dir.resolve("rtsp_camera.py");
        try (var in = getClass().getResourceAsStream("/gstreamer/rtsp_camera.py")) {
            Files.copy(in, script);
        }
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path log = dir.resolve("camera.log");
        camera = ExternalTool.start(log, 120, DEBIAN_PYTHON.toString(), script.toString(), String.valueOf(port),
                "user", "secret");
        BufferedReader out = new BufferedReader(new InputStreamReader(camera.getInputStream(),
                StandardCharsets.UTF_8));
        String line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (java.io.IOException e) {
                return null;
            }
        }).get(30, TimeUnit.SECONDS);
        if (!"ready".equals(line)) {
            fail("the GStreamer RTSP camera did not start; log:\n" + Files.readString(log));
        }
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterEach
    void stopCamera() throws Exception {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
        if (camera != null) {
            ExternalTool.kill(camera);
            camera.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private Channel connect(String url, Recorder recorder) throws InterruptedException {
        return new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new RtspFramer(), new RtspEncoder(),
                                new RtspPullSession(url, recorder, recorder));
                    }
                }).connect(new InetSocketAddress("127.0.0.1", port)).sync().channel();
    }

    private static void await(java.util.function.BooleanSupplier condition, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    @Test
    void pullsWholeH264FramesFromAGstreamerCameraThroughDigestAuth() throws Exception {
        Recorder recorder = new Recorder();
        Channel ch = connect("rtsp://user:secret@127.0.0.1:" + port + "/cam", recorder);
        await(() -> recorder.units.size() >= 80 || !recorder.failures.isEmpty(), 30);
        ch.close().sync();

        assertThat(recorder.failures).as("failures before close").allMatch(f -> f.equals("connection closed"));
        assertThat(recorder.playing).hasSize(1);
        assertThat(recorder.playing.get(0)).extracting(MediaDescription::encodingName).containsExactly("H264");
        List<AccessUnit> units = new ArrayList<>(recorder.units);
        assertThat(units.size()).isGreaterThanOrEqualTo(80);
        assertThat(units.get(0).keyframe()).isTrue();
        assertThat(nalTypes(units.get(0).payload())).as("x264enc: AUD, SPS, PPS, SEI?, IDR")
                .startsWith(9, 7, 8).contains(5);
        List<Integer> keyframes = new ArrayList<>();
        for (int i = 0; i < units.size(); i++) {
            if (units.get(i).keyframe()) {
                keyframes.add(i);
            }
            if (i > 0) {
                assertThat(units.get(i).pts() - units.get(i - 1).pts()).isEqualTo(3600);
            }
        }
        assertThat(keyframes).startsWith(0, 25, 50);
    }

    private static List<Integer> nalTypes(byte[] avcc) {
        List<Integer> types = new ArrayList<>();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(avcc);
        while (b.remaining() >= 4) {
            int n = b.getInt();
            types.add(b.get(b.position()) & 0x1F);
            b.position(b.position() + n);
        }
        return types;
    }

    @Test
    void aWrongPasswordFailsTheSessionWithTheStatus() throws Exception {
        Recorder recorder = new Recorder();
        Channel ch = connect("rtsp://user:wrong@127.0.0.1:" + port + "/cam", recorder);
        await(() -> !recorder.failures.isEmpty(), 15);
        ch.closeFuture().await(5, TimeUnit.SECONDS);
        assertThat(recorder.failures.get(0)).startsWith("DESCRIBE answered 401");
        assertThat(recorder.playing).isEmpty();
        assertThat(recorder.units).isEmpty();
    }

    @Test
    void pulledFramesLandInTheCamerasStreamBufferThroughAnIngestEpoch() throws Exception {
        StreamKey key = new StreamKey("cam-gst", 1, StreamKey.SOURCE_RENDITION);
        List<StreamBuffer> opened = new CopyOnWriteArrayList<>();
        List<String> stops = new CopyOnWriteArrayList<>();
        IngestSink ingest = new IngestSink() {
            @Override
            public StreamBuffer startEpoch(StreamFormat format) {
                StreamBuffer b = new StreamBuffer(key, format, 1 << 22);
                opened.add(b);
                return b;
            }

            @Override
            public void stopped(String reason, boolean willRetry) {
                stops.add(reason);
            }
        };
        EpochSink epoch = new EpochSink(ingest);
        long before = System.nanoTime();
        Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        c.pipeline().addLast(new RtspFramer(), new RtspEncoder(),
                                new RtspPullSession("rtsp://user:secret@127.0.0.1:" + port + "/cam", epoch, epoch));
                    }
                }).connect(new InetSocketAddress("127.0.0.1", port)).sync().channel();
        await(() -> !opened.isEmpty() && opened.get(0).framesPublished() >= 30, 30);
        long after = System.nanoTime();
        ch.close().sync();
        await(() -> !stops.isEmpty(), 5);

        assertThat(opened).hasSize(1);
        StreamBuffer buffer = opened.get(0);
        assertThat(buffer.format().tracks()).extracting(t -> t.codec().name()).containsExactly("H264");
        StreamReader reader = buffer.openReader(key, (expected, where, detail) -> {
            throw new AssertionError(where + ": " + detail);
        });
        List<AccessUnit> read = new ArrayList<>();
        List<Integer> arrivals = new ArrayList<>();
        while (reader.poll() == StreamReader.FRAME) {
            read.add(reader.frame().toAccessUnit());
            arrivals.add(reader.frame().arrivalMicros());
        }
        reader.close();
        // Each frame carries the arrival time of the packet that completed it (handed over by the receive path).
        for (int micros : arrivals) {
            assertThat(micros - (int) (before / 1000)).isNotNegative();
            assertThat((int) (after / 1000) - micros).isNotNegative();
        }
        // A new reader starts at the latest keyframe: the frames of the current GOP, keyframe first.
        assertThat(buffer.framesPublished()).isGreaterThanOrEqualTo(30);
        assertThat(read.size()).isBetween(1, 25);
        assertThat(read.get(0).keyframe()).isTrue();
        assertThat(nalTypes(read.get(0).payload())).contains(7, 8, 5);
        assertThat(epoch.rejected()).isZero();
        assertThat(stops).containsExactly("connection closed");
    }
}
