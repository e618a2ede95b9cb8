package dev.camrelay.hls.fmp4;

import static dev.camrelay.hls.fmp4.FragmentDescriptor.SAMPLE_FLAGS_NON_SYNC;
import static dev.camrelay.hls.fmp4.FragmentDescriptor.SAMPLE_FLAGS_SYNC;
import static dev.camrelay.hls.fmp4.FragmentDescriptor.TFHD_DEFAULT_BASE_IS_MOOF;
import static dev.camrelay.hls.fmp4.FragmentDescriptor.TRUN_FLAGS;
import static dev.camrelay.hls.fmp4.FragmentDescriptor.TRUN_VERSION;
import static java.nio.ByteOrder.BIG_ENDIAN;

import org.agrona.MutableDirectBuffer;

/**
 * Writes one media fragment, {@code moof} + {@code mdat} (ISO/IEC 14496-12 §8.8.4, §8.1.1), from the closed samples
 * of a set of {@link TrackRun}s: one {@code traf} per run with samples, and one {@code mdat} holding the runs' payloads
 * one after another. Each {@code trun}'s data_offset (relative to the moof, as {@code tfhd} declares
 * default-base-is-moof) is back-patched once the moof's size is known. An LL-HLS part and a whole segment are both
 * sequences of such fragments.
 *
 * <p><b>Threading contract:</b> stateless apart from the arrays passed in; call from the runs' owner thread.
 * Allocates nothing.
 */
public final class FragmentWriter {

    private static final int BOX_HEADER_LENGTH = 8;
    /** Offset of data_offset inside a trun: size, type, version+flags, sample_count. */
    private static final int TRUN_DATA_OFFSET_POSITION = 16;

    private FragmentWriter() {
    }

    /**
     * Appends a fragment with the closed samples of {@code runs[0..runCount)} to {@code w}. Runs without closed
     * samples get no {@code traf}. The runs are not modified; call {@link TrackRun#removeClosed()} afterwards.
     *
     * @param sequenceNumber mfhd sequence_number, increasing per fragment of the stream (§8.8.5.3)
     * @return bytes written, or 0 if no run had a closed sample (nothing written)
     */
    public static int write(BoxWriter w, int sequenceNumber, TrackRun[] runs, int runCount) {
        boolean any = false;
        for (int i = 0; i < runCount; i++) {
            any |= runs[i].closedCount() > 0;
        }
        if (!any) {
            return 0;
        }
        final int moof = w.startBox(BoxTypes.MOOF);
        final int mfhd = w.startFullBox(BoxTypes.MFHD, 0, 0);
        w.u32(sequenceNumber);
        w.endBox(mfhd);

        // data offsets, relative to the moof start, are only known after the moof is closed: keep the running
        // mdat-relative offset in the field and add the moof size + mdat header when patching.
        int mdatRelative = 0;
        for (int r = 0; r < runCount; r++) {
            final TrackRun run = runs[r];
            final int samples = run.closedCount();
            if (samples == 0) {
                continue;
            }
            final int traf = w.startBox(BoxTypes.TRAF);
            final int tfhd = w.startFullBox(BoxTypes.TFHD, 0, TFHD_DEFAULT_BASE_IS_MOOF);
            w.u32(run.trackId());
            w.endBox(tfhd);
            final int tfdt = w.startFullBox(BoxTypes.TFDT, 1, 0);
            w.u64(run.decodeTime(0));
            w.endBox(tfdt);
            final int trun = w.startFullBox(BoxTypes.TRUN, TRUN_VERSION, TRUN_FLAGS);
            w.u32(samples).u32(mdatRelative);
            for (int i = 0; i < samples; i++) {
                w.u32(run.duration(i)).u32(run.size(i));
                w.u32(run.isSync(i) ? SAMPLE_FLAGS_SYNC : SAMPLE_FLAGS_NON_SYNC);
                w.u32(run.compositionOffset(i));
            }
            w.endBox(trun);
            w.endBox(traf);
            mdatRelative += run.closedPayloadLength();
        }
        w.endBox(moof);
        patchDataOffsets(w, moof, w.position() - moof + BOX_HEADER_LENGTH);

        final int mdat = w.startBox(BoxTypes.MDAT);
        for (int r = 0; r < runCount; r++) {
            final TrackRun run = runs[r];
            if (run.closedCount() > 0) {
                w.bytes(run.payload(), 0, run.closedPayloadLength());
            }
        }
        w.endBox(mdat);
        return w.position() - moof;
    }

    /** Walks the trafs of the moof at {@code moof} and adds {@code base} to every trun data_offset. */
    private static void patchDataOffsets(BoxWriter w, int moof, int base) {
        final MutableDirectBuffer buf = w.buffer();
        final int end = moof + buf.getInt(moof, BIG_ENDIAN);
        int box = moof + BOX_HEADER_LENGTH;
        while (box < end) {
            final int boxSize = buf.getInt(box, BIG_ENDIAN);
            if (buf.getInt(box + 4, BIG_ENDIAN) == BoxTypes.TRAF) {
                int child = box + BOX_HEADER_LENGTH;
                while (child < box + boxSize) {
                    final int childSize = buf.getInt(child, BIG_ENDIAN);
                    if (buf.getInt(child + 4, BIG_ENDIAN) == BoxTypes.TRUN) {
                        final int field = child + TRUN_DATA_OFFSET_POSITION;
                        w.patchU32(field, buf.getInt(field, BIG_ENDIAN) + base);
                    }
                    child += childSize;
                }
            }
            box += boxSize;
        }
    }
}
