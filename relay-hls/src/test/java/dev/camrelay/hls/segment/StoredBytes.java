package dev.camrelay.hls.segment;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/** Copies stored media out for tests, releasing the view it reads through (as a response would). */
final class StoredBytes {

    private StoredBytes() {
    }

    /** A complete segment's bytes, or null when not held. */
    static byte[] segment(SegmentStore store, long epoch, long msn) {
        StoredSegment s = store.segment(epoch, msn);
        return s == null ? null : bytes(s.retainedView());
    }

    static byte[] part(StoredPart part) {
        return bytes(part.retainedView());
    }

    private static byte[] bytes(ByteBuf view) {
        if (view == null) {
            return null;
        }
        try {
            return ByteBufUtil.getBytes(view);
        } finally {
            view.release();
        }
    }
}
