package dev.camrelay.hls.segment;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.IllegalReferenceCountException;
import org.agrona.MutableDirectBuffer;

/**
 * One finished part: a complete {@code moof}+{@code mdat} fragment, stored once in direct memory of its own and
 * served from there without a copy.
 *
 * <p><b>Memory:</b> each part's bytes are one allocation of Netty's <em>unpooled</em> allocator, owned by the one
 * stream whose segmenter wrote them: never a pool shared with other streams (architecture.md section 3; pooled buffers
 * reused across users are how Cloudbleed and Jetty CVE-2019-17638 leaked other people's data). The memory is
 * reference-counted: the store holds one reference, every response takes its own with {@link #retainedView()} (a
 * read-only duplicate over the same memory: nothing is copied per request), and the memory is freed when the last of
 * them lets go, so it is never freed, and so never reused, while a response still sends from it. Over TLS the
 * encryption writes the bytes anew, so there a copy per response is unavoidable.
 *
 * <p><b>Threading contract:</b> created, stamped ({@link #stampPublished}) and finally released ({@link #release}) by
 * the stream's one writer thread, before and after it is visible to readers; {@link #retainedView()} and the getters
 * are safe from any thread once the part has been published (release/acquire through the store's state).
 */
public final class StoredPart {

    /** {@link #publishedNanos()} before the store has published the part. */
    public static final long NOT_PUBLISHED = Long.MIN_VALUE;

    private final int index;
    private final long number;
    private final double duration;
    private final boolean independent;
    private final ByteBuf memory;
    private final ByteBuf readOnly;
    private long publishedNanos = NOT_PUBLISHED;
    /** Writer only: the store's reference has been given back. */
    private boolean released;

    private StoredPart(int index, long number, double duration, boolean independent, ByteBuf memory) {
        this.index = index;
        this.number = number;
        this.duration = duration;
        this.independent = independent;
        this.memory = memory;
        this.readOnly = memory.asReadOnly();
    }

    /**
     * Writer: a part whose bytes are copied once from {@code fragment[0, length)} into direct memory of its own.
     *
     * @param index       position in its segment
     * @param number      stream-wide part number (the name's, {@code HlsUris.part})
     * @param duration    seconds
     * @param independent starts with a keyframe
     */
    static StoredPart copyOf(int index, long number, double duration, boolean independent,
                             MutableDirectBuffer fragment, int length) {
        ByteBuf memory = UnpooledByteBufAllocator.DEFAULT.directBuffer(length, length);
        try {
            byte[] array = fragment.byteArray();
            if (array != null) {
                memory.writeBytes(array, fragment.wrapAdjustment(), length);
            } else {
                memory.writeBytes(fragment.byteBuffer().duplicate().position(fragment.wrapAdjustment())
                        .limit(fragment.wrapAdjustment() + length));
            }
            return new StoredPart(index, number, duration, independent, memory);
        } catch (RuntimeException e) {
            memory.release();
            throw e;
        }
    }

    public int index() {
        return index;
    }

    public long number() {
        return number;
    }

    public double duration() {
        return duration;
    }

    public boolean independent() {
        return independent;
    }

    /** The fragment's size in bytes. */
    public int length() {
        return memory.writerIndex();
    }

    /**
     * A read-only view of the bytes with a reference of its own, which the caller must release (handing it to Netty
     * as a response body does: Netty releases what it has written), or null when the store has let go of the part
     * meanwhile (it left the store between the caller's look-up and now: answer as for a part no longer held).
     */
    public ByteBuf retainedView() {
        try {
            return readOnly.retainedDuplicate();
        } catch (IllegalReferenceCountException e) {
            return null; // released by the store: the memory is gone, and nothing was read from it
        }
    }

    /**
     * When the store published the part, on the store's clock ({@link System#nanoTime()} based; the relay's dates it
     * by the arrival of the frame whose coming completed the part), or {@link #NOT_PUBLISHED}.
     */
    public long publishedNanos() {
        return publishedNanos;
    }

    /** Writer, before the publishing release store: the moment the part becomes visible. */
    void stampPublished(long nanos) {
        publishedNanos = nanos;
    }

    /**
     * Writer: the store lets go (again: nothing); the memory is freed now or when the last response in flight
     * releases it.
     */
    void release() {
        if (!released) {
            released = true;
            memory.release();
        }
    }

    /** References held now: the store's (until it lets go) and those of responses in flight (for tests). */
    public int referenceCount() {
        return memory.refCnt();
    }
}
