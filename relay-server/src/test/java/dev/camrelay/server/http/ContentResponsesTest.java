package dev.camrelay.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.camrelay.core.media.Codec;
import dev.camrelay.core.media.StreamFormat;
import dev.camrelay.core.media.TrackFormat;
import dev.camrelay.hls.segment.SegmentStore;
import dev.camrelay.hls.segment.SegmenterConfig;
import dev.camrelay.hls.segment.StoredPart;
import dev.camrelay.hls.segment.StreamSegmenter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * LL-HLS media through the relay's own HTTP/1.1 pipeline ({@link HttpServer#addHttp1(io.netty.channel.ChannelPipeline,
 * HttpService)} on an embedded channel): what the pipeline hands to the transport is the part's memory in its
 * stream's store, the same region for every response, held until written and released exactly once.
 */
class ContentResponsesTest {

    private static final byte[] SPS = {0x67, 0x64, 0x00, 0x1f, (byte) 0xac};
    private static final byte[] PPS = {0x68, (byte) 0xeb};

    private static final String ALLOWED_ORIGIN = "https://app.example";
    private final AtomicLong nanos = new AtomicLong();
    private final SegmentStore store = new SegmentStore(SegmenterConfig.defaults(), () -> { }, nanos::get);
    private final StreamSegmenter segmenter = new StreamSegmenter(1, new StreamFormat(List.of(TrackFormat.video(0,
            Codec.H264, "", "", 320, 240, 25, List.of(SPS, PPS)))), SegmenterConfig.defaults(), store,
            InstantSource.fixed(Instant.EPOCH));
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[4000]);
    private static final byte[] PLAYLIST = new byte[3000];
    private final SharedBody shared = new SharedBody("application/vnd.apple.mpegurl",
            Map.of("Cache-Control", "no-cache"), PLAYLIST);
    private final List<Object> timed = new ArrayList<>();
    /** A timing like the relay's reload latency: a Recorder, wait-free and allocation-free. */
    private final org.HdrHistogram.Recorder recorder = new org.HdrHistogram.Recorder(15_000_000L, 3);
    private final ResponseTiming latency = (stamp, written) -> recorder.recordValue(1_000);
    private final CompletableFuture<Response> later = new CompletableFuture<>();
    private int frames;
    private EmbeddedChannel channel;

    ContentResponsesTest() {
        Router router = new Router()
                .add("GET", "/part/{n}", r -> Response.ofContent(200, "video/mp4",
                        store.part(1, Long.parseLong(r.pathParam("n"))).retainedView(), Map.of()))
                .add("GET", "/segment/{n}", r -> Response.ofContent(200, "video/mp4",
                        store.segment(1, Long.parseLong(r.pathParam("n"))).retainedView(), Map.of()))
                .add("GET", "/later", (AsyncRouteHandler) r -> later)
                .add("GET", "/timed", r -> Response.timed(200, "text/plain", "x".getBytes(StandardCharsets.UTF_8),
                        Map.of(), (stamp, written) -> timed.add(stamp), 42))
                // the same route for both, so that routing costs the same: only the timing differs
                .add("GET", "/playlist/{timed}", r -> "t".equals(r.pathParam("timed"))
                        ? Response.timed(200, "text/plain", PLAYLIST, Map.of(), latency, 42)
                        : new Response(200, "text/plain", PLAYLIST, Map.of()))
                .add("GET", "/shared", r -> Response.shared(shared, null, 0));
        // handlers run on the calling thread, so the embedded channel stays single-threaded
        HttpService service = new HttpService(router, () -> new CorsPolicy(List.of(ALLOWED_ORIGIN)), new JsonCodec(),
                new HttpCounters(), Runnable::run);
        channel = new EmbeddedChannel();
        HttpServer.addHttp1(channel.pipeline(), service);
        feedSeconds(2);
    }

    @AfterEach
    void finish() {
        for (Object o; (o = channel.readOutbound()) != null; ) {
            ReferenceCountUtil.release(o);
        }
        channel.finishAndReleaseAll();
        store.close();
    }

    private void feedSeconds(int seconds) {
        for (int end = frames + 25 * seconds; frames < end; frames++) {
            long dts = frames * 3600L;
            nanos.set(frames * 40_000_000L);
            payload.putInt(0, frames);
            segmenter.onFrame(0, dts, dts, frames % 25 == 0, payload, 0, 1000 + frames % 500);
        }
    }

    private void get(String path) {
        get(path, Map.of());
    }

    private void get(String path, Map<String, String> headers) {
        DefaultFullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
        r.headers().set(HttpHeaderNames.HOST, "relay");
        headers.forEach(r.headers()::set);
        channel.writeInbound(r);
        channel.runPendingTasks(); // the dispatcher writes on the channel's event loop
    }

    private List<ByteBuf> outbound() {
        List<ByteBuf> out = new ArrayList<>();
        for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
            out.add(b);
        }
        return out;
    }

    private static long address(StoredPart part) {
        ByteBuf view = part.retainedView();
        try {
            return view.memoryAddress() + view.readerIndex();
        } finally {
            view.release();
        }
    }

    @Test
    void everyResponseOfAPartSendsThePartsOwnMemory() {
        StoredPart part = store.part(1, 0);
        long address = address(part);
        for (int i = 0; i < 8; i++) {
            get("/part/0");
        }

        List<ByteBuf> out = outbound();
        List<ByteBuf> bodies = out.stream().filter(b -> b.hasMemoryAddress()
                && b.memoryAddress() + b.readerIndex() == address).toList();
        assertThat(bodies).as("eight bodies, each the stored part itself, not a copy").hasSize(8)
                .allSatisfy(b -> assertThat(b.readableBytes()).isEqualTo(part.length()));
        assertThat(part.referenceCount()).as("the store's and the eight unwritten responses'").isEqualTo(9);
        out.forEach(ByteBuf::release); // what the transport does once it has written them
        assertThat(part.referenceCount()).isEqualTo(1);
    }

    @Test
    void aPartEvictedWhileItsResponseIsInFlightIsSentWholeAndThenFreed() {
        StoredPart part = store.part(1, 0);
        byte[] expected = bytesOf(part);
        get("/part/0");
        get("/segment/0");

        feedSeconds(30); // segment 0 leaves the playlist and then the store
        assertThat(store.part(1, 0)).as("evicted").isNull();
        assertThat(part.referenceCount()).as("held by the two responses in flight only").isEqualTo(2);

        List<ByteBuf> out = outbound();
        String wire = String.join("", out.stream().map(b -> b.toString(StandardCharsets.ISO_8859_1)).toList());
        out.forEach(ByteBuf::release);
        int partBody = wire.indexOf("\r\n\r\n") + 4;
        assertThat(wire.substring(partBody, partBody + expected.length).getBytes(StandardCharsets.ISO_8859_1))
                .isEqualTo(expected);
        int segmentBody = wire.indexOf("\r\n\r\n", partBody + expected.length) + 4;
        assertThat(wire.substring(segmentBody, segmentBody + expected.length).getBytes(StandardCharsets.ISO_8859_1))
                .as("the segment starts with that part").isEqualTo(expected);
        assertThat(part.referenceCount()).as("freed once written").isZero();
    }

    @Test
    void aResponseCompletedAfterItsConnectionIsGoneIsReleased() {
        StoredPart part = store.part(1, 0);
        get("/later"); // like a held reload or a hinted part: answered when the media is there

        channel.unsafe().close(channel.unsafe().voidPromise()); // the peer leaves meanwhile
        later.complete(Response.ofContent(200, "video/mp4", part.retainedView(), Map.of()));
        channel.runPendingTasks();

        assertThat(outbound()).isEmpty();
        assertThat(part.referenceCount()).as("dropped unwritten, released").isEqualTo(1);
    }

    @Test
    void aTimedResponseIsReportedOnceWrittenWithItsStamp() {
        get("/timed");

        assertThat(timed).containsExactly(42L);
        outbound().forEach(ByteBuf::release);
    }

    /**
     * Timing a response (the relay's held reloads) adds no allocation to it: the write has completed when the flush
     * returns, so it is reported there without a listener, and the HdrHistogram recorder allocates nothing. Measured
     * on this thread, which runs the whole pipeline, with leak tracking off (it records a trace per buffer).
     */
    @Test
    void timingAResponseAllocatesNothingMoreThanTheResponseItself() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        io.netty.util.ResourceLeakDetector.Level level = io.netty.util.ResourceLeakDetector.getLevel();
        io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.DISABLED);
        try {
            long[] perRequest = new long[2];
            for (int round = 0; round < 4; round++) { // the first rounds warm up the JIT
                perRequest[0] = allocatedPerRequest(threads, "/playlist/u");
                perRequest[1] = allocatedPerRequest(threads, "/playlist/t");
            }
            long sharedPerRequest = allocatedPerRequest(threads, "/shared");
            System.out.printf("bytes allocated per response: untimed %d, timed %d, shared body %d%n", perRequest[0],
                    perRequest[1], sharedPerRequest);
            assertThat(sharedPerRequest).as("a shared body makes no header block per response").isLessThan(
                    perRequest[0] - 200);
            assertThat(recorder.getIntervalHistogram().getTotalCount()).as("timed responses recorded").isPositive();
            assertThat(perRequest[1] - perRequest[0]).as("bytes per response added by timing it")
                    .isLessThanOrEqualTo(8);
        } finally {
            io.netty.util.ResourceLeakDetector.setLevel(level);
        }
    }

    /** What went out for one request, as text (the headers) and the buffers themselves. */
    private String sentText(List<ByteBuf> out) {
        StringBuilder text = new StringBuilder();
        out.forEach(b -> text.append(b.toString(StandardCharsets.ISO_8859_1)));
        return text.toString().toLowerCase(java.util.Locale.ROOT);
    }

    @Test
    void everyPlainResponseOfASharedBodyIsOneWriteOfTheSameWireBytes() {
        long address = -1;
        for (int i = 0; i < 3; i++) {
            get("/shared");
            List<ByteBuf> out = outbound();
            assertThat(out).as("response %d: status line, headers and body in one buffer", i).hasSize(1);
            ByteBuf wire = out.get(0);
            assertThat(wire.hasMemoryAddress()).isTrue();
            if (address < 0) {
                address = wire.memoryAddress() + wire.readerIndex();
            }
            assertThat(wire.memoryAddress() + wire.readerIndex()).as("the same memory every time, not a copy")
                    .isEqualTo(address);
            String text = sentText(out);
            assertThat(text).startsWith("http/1.1 200 ok\r\n")
                    .contains("content-type: application/vnd.apple.mpegurl\r\n", "content-length: 3000\r\n",
                            "cache-control: no-cache\r\n", "x-content-type-options: nosniff\r\n")
                    .doesNotContain("no-store", "connection:", "access-control-allow-origin");
            assertThat(wire.readableBytes() - text.indexOf("\r\n\r\n") - 4).as("body bytes after the headers")
                    .isEqualTo(PLAYLIST.length);
            out.forEach(ByteBuf::release);
        }
        get("/segment/0"); // a response through the encoder after the wire-form ones: the encoder was not disturbed
        assertThat(outboundAndRelease()).startsWith("http/1.1 200 ok\r\n").contains("content-type: video/mp4");
    }

    @Test
    void aHeadRequestGetsTheHeadersAndLengthButNoBody() {
        DefaultFullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.HEAD, "/shared");
        r.headers().set(HttpHeaderNames.HOST, "relay");
        channel.writeInbound(r);
        channel.runPendingTasks();
        List<ByteBuf> out = outbound();
        int bytes = out.stream().mapToInt(ByteBuf::readableBytes).sum();
        String text = sentText(out);
        out.forEach(ByteBuf::release);
        assertThat(text).doesNotStartWith("http/1.1 200"); // no HEAD route: 405, as for any method not served
        assertThat(text).contains("content-length: ");
        assertThat(bytes).as("nothing after the header block").isEqualTo(text.indexOf("\r\n\r\n") + 4);
        get("/shared"); // the next response on the connection is whole and starts where it should
        assertThat(outboundAndRelease()).startsWith("http/1.1 200 ok\r\n");
    }

    private String outboundAndRelease() {
        List<ByteBuf> out = outbound();
        String text = sentText(out);
        out.forEach(ByteBuf::release);
        return text;
    }

    @Test
    void aSharedBodyForACorsOriginOrAClosingRequestGetsThoseHeadersToo() {
        get("/shared", Map.of("Origin", ALLOWED_ORIGIN));
        List<ByteBuf> out = outbound();
        assertThat(sentText(out)).contains("access-control-allow-origin: " + ALLOWED_ORIGIN + "\r\n",
                "cache-control: no-cache\r\n", "content-length: 3000\r\n");
        out.forEach(ByteBuf::release);
        get("/shared"); // the block made once stays without CORS for the next viewer
        out = outbound();
        assertThat(sentText(out)).doesNotContain("access-control-allow-origin");
        out.forEach(ByteBuf::release);

        get("/shared", Map.of("Connection", "close"));
        out = outbound();
        assertThat(sentText(out)).contains("connection: close\r\n", "content-length: 3000\r\n");
        out.forEach(ByteBuf::release);
        assertThat(channel.isOpen()).as("closed after the response to Connection: close").isFalse();
    }

    private long allocatedPerRequest(com.sun.management.ThreadMXBean threads, String path) {
        final int n = 2_000;
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < n; i++) {
            get(path);
            for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
                b.release();
            }
        }
        return (threads.getCurrentThreadAllocatedBytes() - before) / n;
    }

    private static byte[] bytesOf(StoredPart part) {
        ByteBuf view = part.retainedView();
        try {
            return ByteBufUtil.getBytes(view);
        } finally {
            view.release();
        }
    }
}
