package dev.camrelay.hls.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.camrelay.core.media.Codec;
import dev.camrelay.core.media.StreamFormat;
import dev.camrelay.core.media.TrackFormat;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.ReadOnlyBufferException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Parts live once in their stream's own direct memory: every view shares it, a view outlives the store's hold on
 * the part, and the memory is let go exactly when the store and the last view have let go.
 */
class StoredMediaMemoryTest {

    private static final byte[] SPS = {0x67, 0x64, 0x00, 0x1f, (byte) 0xac};
    private static final byte[] PPS = {0x68, (byte) 0xeb};
    private static final StreamFormat FORMAT = new StreamFormat(List.of(
            TrackFormat.video(0, Codec.H264, "", "", 320, 240, 25, List.of(SPS, PPS))));

    private final AtomicLong nanos = new AtomicLong();
    private final SegmentStore store = new SegmentStore(SegmenterConfig.defaults(), () -> { }, nanos::get);
    private final StreamSegmenter segmenter = new StreamSegmenter(1, FORMAT, SegmenterConfig.defaults(), store,
            InstantSource.fixed(Instant.EPOCH));
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[4000]);
    private int frames;

    @AfterEach
    void close() {
        store.close();
    }

    /** 1 s GOPs of 25 frames at 25 fps; the store's clock follows the media. */
    private void feedSeconds(int seconds) {
        for (int end = frames + 25 * seconds; frames < end; frames++) {
            long dts = frames * 3600L;
            nanos.set(frames * 40_000_000L);
            payload.putInt(0, frames); // every frame's bytes differ
            segmenter.onFrame(0, dts, dts, frames % 25 == 0, payload, 0, 1000 + frames % 500);
        }
    }

    @Test
    void everyViewOfAPartIsTheSameMemoryReadOnly() {
        feedSeconds(2);
        StoredPart part = store.part(1, 0);
        List<ByteBuf> views = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            views.add(part.retainedView());
        }

        assertThat(views).allSatisfy(v -> {
            assertThat(v.isDirect()).isTrue();
            assertThat(v.isReadOnly()).isTrue();
            assertThat(v.readableBytes()).isEqualTo(part.length());
        });
        assertThat(views.get(0).hasMemoryAddress()).as("Netty's unsafe direct buffers on this JDK").isTrue();
        assertThat(views).extracting(v -> v.memoryAddress() + v.readerIndex()).as("no copy: one memory region")
                .containsOnly(views.get(0).memoryAddress() + views.get(0).readerIndex());
        assertThatThrownBy(() -> views.get(0).setByte(0, 1)).isInstanceOf(ReadOnlyBufferException.class);
        assertThat(part.referenceCount()).isEqualTo(1 + views.size());
        views.forEach(ByteBuf::release);
        assertThat(part.referenceCount()).isEqualTo(1);
    }

    @Test
    void aSegmentIsServedFromItsPartsMemory() {
        feedSeconds(2);
        StoredSegment segment = store.segment(1, 0);
        ByteBuf view = segment.retainedView();

        assertThat(view.readableBytes()).isEqualTo(segment.length());
        assertThat(view.isWritable()).isFalse();
        assertThatThrownBy(() -> view.setByte(0, 1)).isInstanceOf(ReadOnlyBufferException.class);
        assertThat(view.nioBufferCount()).as("one region per part, gathered by the socket write")
                .isEqualTo(segment.parts().size());
        assertThat(segment.parts()).allSatisfy(p -> assertThat(p.referenceCount()).isEqualTo(2));
        view.release();
        assertThat(segment.parts()).allSatisfy(p -> assertThat(p.referenceCount()).isEqualTo(1));
    }

    @Test
    void aPartEvictedWhileInFlightIsStillReadWholeAndFreedByItsLastReader() {
        feedSeconds(2);
        StoredPart part = store.part(1, 0);
        byte[] expected = StoredBytes.part(part);
        ByteBuf inFlight = part.retainedView();
        ByteBuf segmentInFlight = store.segment(1, 0).retainedView();
        inFlight.readerIndex(inFlight.readableBytes() / 3); // a response partly written

        feedSeconds(30); // segment 0 leaves the playlist and then the store
        assertThat(store.part(1, 0)).as("evicted").isNull();
        assertThat(store.segment(1, 0)).isNull();
        assertThat(part.referenceCount()).as("only the two responses in flight hold it").isEqualTo(2);

        byte[] rest = ByteBufUtil.getBytes(inFlight);
        assertThat(rest).isEqualTo(java.util.Arrays.copyOfRange(expected, expected.length / 3, expected.length));
        assertThat(ByteBufUtil.getBytes(segmentInFlight, 0, expected.length)).isEqualTo(expected);
        inFlight.release();
        segmentInFlight.release();
        assertThat(part.referenceCount()).as("freed with the last response").isZero();
        assertThat(part.retainedView()).as("a reader that found it in an old state gets nothing").isNull();
    }

    @Test
    void closingTheStoreLetsGoOfEveryPartButNotOfResponsesInFlight() {
        feedSeconds(3);
        List<StoredPart> parts = new ArrayList<>();
        for (long n = 0; store.part(1, n) != null; n++) {
            parts.add(store.part(1, n));
        }
        ByteBuf inFlight = parts.get(0).retainedView();

        store.close();

        assertThat(store.segmentCount()).isZero();
        assertThat(store.heldBytes()).isZero();
        assertThat(store.playlist()).as("the last playlist stays").isNotNull();
        assertThat(parts.subList(1, parts.size())).allSatisfy(p -> assertThat(p.referenceCount()).isZero());
        assertThat(parts.get(0).referenceCount()).isEqualTo(1);
        inFlight.release();
        assertThat(parts.get(0).referenceCount()).isZero();
    }

    @Test
    void aSegmenterStillWritingIntoAClosedStoreLeaksNothingAndPublishesNothing() {
        feedSeconds(1);
        store.close();
        long used = UnpooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();

        feedSeconds(2); // the segmenter goes on (its owner should have stopped feeding it): parts made and let go

        assertThat(store.segmentCount()).isZero();
        assertThat(store.heldBytes()).isZero();
        assertThat(store.part(1, 30)).isNull();
        assertThat(UnpooledByteBufAllocator.DEFAULT.metric().usedDirectMemory()).as("direct memory in use")
                .isEqualTo(used);
    }

    @Test
    void heldBytesCountEveryStoredPart() {
        feedSeconds(3);
        long sum = 0;
        for (long n = 0; store.part(1, n) != null; n++) {
            sum += store.part(1, n).length();
        }

        assertThat(store.heldBytes()).isEqualTo(sum).isPositive();
    }
}
