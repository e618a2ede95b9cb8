package dev.camrelay.rtsp.depacketize;

import org.agrona.DirectBuffer;

/**
 * Threading: stateless.
 *
 * <p>Finds NAL units in Annex-B byte streams (H.264 Annex B, H.265 Annex B: {@code 00 00 01} or {@code 00 00 00 01}
 * before each NAL unit). Some cameras put start codes inside RTP payloads or in {@code sprop-parameter-sets}
 * (protocols.md 3.2, gortsplib {@code removeAnnexB}).
 */
final class AnnexB {

    private AnnexB() {
    }

    /** True if the bytes begin with a 3- or 4-byte start code. */
    static boolean startsWithStartCode(DirectBuffer b, int offset, int length) {
        return (length >= 3 && b.getByte(offset) == 0 && b.getByte(offset + 1) == 0 && b.getByte(offset + 2) == 1)
                || (length >= 4 && b.getByte(offset) == 0 && b.getByte(offset + 1) == 0
                && b.getByte(offset + 2) == 0 && b.getByte(offset + 3) == 1);
    }

    /** Index just after the next start code at or after {@code from}, or -1. */
    static int nextNalStart(DirectBuffer b, int from, int end) {
        for (int i = from; i + 2 < end; i++) {
            if (b.getByte(i) == 0 && b.getByte(i + 1) == 0 && b.getByte(i + 2) == 1) {
                return i + 3;
            }
        }
        return -1;
    }

    /** End of the NAL unit starting at {@code nalStart}: the next start code (zeros before it trimmed) or end. */
    static int nalEnd(DirectBuffer b, int nalStart, int end) {
        int next = nextNalStart(b, nalStart, end);
        if (next < 0) {
            return end;
        }
        int e = next - 3;
        while (e > nalStart && b.getByte(e - 1) == 0) {
            e--;
        }
        return e;
    }

    /** Receives one NAL unit found by {@link #forEachNal}. */
    @FunctionalInterface
    interface NalConsumer {
        /** @return false to stop */
        boolean onNal(DirectBuffer buffer, int offset, int length);
    }

    /** Calls {@code consumer} for each non-empty NAL unit; returns false if the consumer stopped. */
    static boolean forEachNal(DirectBuffer b, int offset, int length, NalConsumer consumer) {
        int end = offset + length;
        int start = nextNalStart(b, offset, end);
        while (start >= 0 && start < end) {
            int nalEnd = nalEnd(b, start, end);
            if (nalEnd > start && !consumer.onNal(b, start, nalEnd - start)) {
                return false;
            }
            start = nalEnd >= end ? -1 : nextNalStart(b, nalEnd, end);
        }
        return true;
    }
}
