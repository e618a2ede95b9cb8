package dev.camrelay.hls.segment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.camrelay.core.media.Codec;
import dev.camrelay.core.media.StreamFormat;
import dev.camrelay.core.media.TrackFormat;
import dev.camrelay.hls.playlist.MediaPlaylistRenderer;
import dev.camrelay.hls.playlist.MediaPlaylistSnapshot;
import dev.camrelay.hls.playlist.SegmentInfo;
import io.netty.buffer.ByteBuf;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Readers on other threads (the HTTP handlers) see only whole published states while the segmenter writes: every
 * part a playlist lists is either served with the listed index or already dropped, never half-built, and a part's
 * memory let go of while a reader takes a view of it is either viewed whole or refused, never read after it is freed.
 */
class SegmentStoreConcurrencyTest {

    private static final byte[] SPS = {0x67, 0x64, 0x00, 0x1f, (byte) 0xac};
    private static final byte[] PPS = {0x68, (byte) 0xeb};
    private static final int MOOF = 0x6d6f6f66;

    @Test
    void readersSeeOnlyConsistentStatesAndWholeMemoryWhileTheSegmenterWritesAndFrees()
            throws InterruptedException {
        StreamFormat format = new StreamFormat(List.of(
                TrackFormat.video(0, Codec.H264, "", "", 320, 240, 25, List.of(SPS, PPS))));
        AtomicLong nanos = new AtomicLong(); // the writer's clock follows the media, so old segments are let go
        SegmentStore store = new SegmentStore(SegmenterConfig.defaults(), () -> { }, nanos::get);
        StreamSegmenter segmenter = new StreamSegmenter(1, format, SegmenterConfig.defaults(), store,
                InstantSource.fixed(Instant.EPOCH));
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong checkedParts = new AtomicLong();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Runnable reader = () -> {
            try {
                while (writing.get()) {
                    MediaPlaylistSnapshot p = store.playlist();
                    if (p == null) {
                        continue;
                    }
                    MediaPlaylistRenderer.render(p, true);
                    for (SegmentInfo s : p.segments()) {
                        long partBytes = 0;
                        for (int i = 0; i < s.parts().size(); i++) {
                            StoredPart part = store.part(s.epoch(), s.firstPartNumber() + i);
                            if (part == null) {
                                partBytes = -1; // dropped since the snapshot was taken
                                break;
                            }
                            assertThat(part.index()).isEqualTo(i);
                            assertThat(part.duration()).isEqualTo(s.parts().get(i).duration());
                            partBytes += part.length();
                            // the writer may let go of the part meanwhile: a view is then refused, never torn
                            ByteBuf view = part.retainedView();
                            if (view != null) {
                                try {
                                    assertThat(view.readableBytes()).isEqualTo(part.length());
                                    assertThat(view.getInt(4)).as("a moof box").isEqualTo(MOOF);
                                } finally {
                                    view.release();
                                }
                            }
                            checkedParts.incrementAndGet();
                        }
                        StoredSegment whole = store.segment(s.epoch(), s.msn());
                        if (s.complete() && whole != null && partBytes >= 0) {
                            assertThat(whole.length()).isEqualTo(partBytes);
                        }
                    }
                }
            } catch (Throwable t) {
                failures.add(t);
            }
        };
        Thread[] readers = {new Thread(reader, "reader-1"), new Thread(reader, "reader-2")};
        for (Thread t : readers) {
            t.start();
        }
        UnsafeBuffer payload = new UnsafeBuffer(new byte[2000]);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (int i = 0; i < 25 * 120 || checkedParts.get() < 10_000 && System.nanoTime() < deadline; i++) {
            long dts = i * 3600L;
            nanos.set(dts * 1_000_000_000L / 90_000);
            segmenter.onFrame(0, dts, dts, i % 50 == 0, payload, 0, 1000 + i % 900);
        }
        writing.set(false);
        for (Thread t : readers) {
            t.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(t.isAlive()).isFalse();
        }

        assertThat(failures).isEmpty();
        assertThat(checkedParts.get()).isPositive();
        assertThat(store.segmentCount()).isLessThanOrEqualTo(SegmentStore.MAX_LISTED_SEGMENTS
                + SegmentStore.MAX_RETAINED_SEGMENTS + 1);
        store.close();
    }
}
