package dev.camrelay.hls.fmp4;

import dev.camrelay.core.media.Codec;
import dev.camrelay.core.media.StreamFormat;
import dev.camrelay.core.media.TrackFormat;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes the initialization section ({@code EXT-X-MAP}, RFC 8216bis §4.4.4.5) of a fragmented MP4 stream:
 * {@code ftyp} and a {@code moov} whose sample tables are empty, with one {@code trex} per track in {@code mvex}
 * (ISO/IEC 14496-12 §8.8.1). Track {@code i} of the {@link StreamFormat} becomes MP4 track_ID {@code i + 1}, with
 * the track's clock rate as its media timescale. Tracks HLS cannot carry (G.711) are left out. Stateless; one call
 * per stream epoch, so it may allocate.
 */
public final class InitSegmentWriter {

    /** Movie timescale (mvhd): durations here are all zero, so any value works; milliseconds. */
    static final int MOVIE_TIMESCALE = 1000;
    /** Unity transformation matrix (14496-12 §8.2.2.3). */
    private static final int[] UNITY_MATRIX = {0x0001_0000, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000};
    /** tkhd flags: track_enabled | track_in_movie (14496-12 §8.3.2.3). */
    private static final int TKHD_FLAGS = 0x000003;
    /** ISO 639-2/T "und" packed as three 5-bit letters (14496-12 §8.4.2.3). */
    private static final int LANGUAGE_UND = ('u' - 0x60) << 10 | ('n' - 0x60) << 5 | ('d' - 0x60);
    /** url flags = 1: media data is in the same file (14496-12 §8.7.2.2). */
    private static final int URL_SELF_CONTAINED = 1;
    /** hdlr names, null-terminated UTF-8 (14496-12 §8.4.3.3). */
    private static final byte[] VIDEO_HANDLER_NAME = "VideoHandler\0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SOUND_HANDLER_NAME = "SoundHandler\0".getBytes(StandardCharsets.US_ASCII);

    private InitSegmentWriter() {
    }

    /** Whether the fMP4 muxer can carry this codec. */
    public static boolean canCarry(Codec codec) {
        return codec == Codec.H264 || codec == Codec.H265 || codec == Codec.AAC || codec == Codec.OPUS;
    }

    /** The tracks of a format that go into the fMP4 stream, in track order. */
    public static List<TrackFormat> carriedTracks(StreamFormat format) {
        return format.tracks().stream().filter(t -> canCarry(t.codec())).toList();
    }

    /** Writes the init section into {@code w} (appending) and returns its length. */
    public static int write(BoxWriter w, StreamFormat format) {
        List<TrackFormat> tracks = carriedTracks(format);
        if (tracks.isEmpty()) {
            throw new IllegalArgumentException("no track HLS can carry in " + format);
        }
        final int start = w.position();
        int ftyp = w.startBox(BoxTypes.FTYP);
        w.u32(BoxTypes.BRAND_MP42).u32(1);
        w.u32(BoxTypes.BRAND_MP41).u32(BoxTypes.BRAND_MP42).u32(BoxTypes.BRAND_ISOM).u32(BoxTypes.BRAND_HLSF);
        w.endBox(ftyp);

        int moov = w.startBox(BoxTypes.MOOV);
        mvhd(w, tracks.get(tracks.size() - 1).trackId() + 2);
        for (TrackFormat track : tracks) {
            trak(w, track);
        }
        int mvex = w.startBox(BoxTypes.MVEX);
        for (TrackFormat track : tracks) {
            int trex = w.startFullBox(BoxTypes.TREX, 0, 0);
            w.u32(track.trackId() + 1).u32(1).u32(0).u32(0).u32(0); // description index 1, no defaults
            w.endBox(trex);
        }
        w.endBox(mvex);
        w.endBox(moov);
        return w.position() - start;
    }

    /** Convenience for the control plane: the init section as a new array. */
    public static byte[] toBytes(StreamFormat format) {
        BoxWriter w = new BoxWriter(1024);
        write(w, format);
        return w.toByteArray();
    }

    private static void mvhd(BoxWriter w, int nextTrackId) {
        int box = w.startFullBox(BoxTypes.MVHD, 0, 0);
        w.u32(0).u32(0).u32(MOVIE_TIMESCALE).u32(0); // creation, modification, timescale, duration
        w.u32(0x0001_0000).u16(0x0100).zeros(10);    // rate 1.0, volume 1.0, reserved
        matrix(w);
        w.zeros(24);                                 // pre_defined[6]
        w.u32(nextTrackId);
        w.endBox(box);
    }

    private static void trak(BoxWriter w, TrackFormat track) {
        final boolean video = track.codec().isVideo();
        int trak = w.startBox(BoxTypes.TRAK);

        int tkhd = w.startFullBox(BoxTypes.TKHD, 0, TKHD_FLAGS);
        w.u32(0).u32(0).u32(track.trackId() + 1).u32(0).u32(0); // creation, modification, track_ID, reserved, dur
        w.zeros(8).u16(0).u16(0);                                // reserved, layer, alternate_group
        w.u16(video ? 0 : 0x0100).u16(0);                        // volume, reserved
        matrix(w);
        w.u32(video ? track.width() << 16 : 0).u32(video ? track.height() << 16 : 0);
        w.endBox(tkhd);

        int mdia = w.startBox(BoxTypes.MDIA);
        int mdhd = w.startFullBox(BoxTypes.MDHD, 0, 0);
        w.u32(0).u32(0).u32(track.clockRate()).u32(0).u16(LANGUAGE_UND).u16(0);
        w.endBox(mdhd);
        int hdlr = w.startFullBox(BoxTypes.HDLR, 0, 0);
        w.u32(0).u32(video ? BoxTypes.VIDE : BoxTypes.SOUN).zeros(12);
        w.bytes(video ? VIDEO_HANDLER_NAME : SOUND_HANDLER_NAME);
        w.endBox(hdlr);

        int minf = w.startBox(BoxTypes.MINF);
        if (video) {
            int vmhd = w.startFullBox(BoxTypes.VMHD, 0, 1);
            w.u16(0).zeros(6); // graphicsmode copy, opcolor
            w.endBox(vmhd);
        } else {
            int smhd = w.startFullBox(BoxTypes.SMHD, 0, 0);
            w.u16(0).u16(0); // balance, reserved
            w.endBox(smhd);
        }
        int dinf = w.startBox(BoxTypes.DINF);
        int dref = w.startFullBox(BoxTypes.DREF, 0, 0);
        w.u32(1);
        w.endBox(w.startFullBox(BoxTypes.URL, 0, URL_SELF_CONTAINED));
        w.endBox(dref);
        w.endBox(dinf);

        int stbl = w.startBox(BoxTypes.STBL);
        int stsd = w.startFullBox(BoxTypes.STSD, 0, 0);
        w.u32(1);
        SampleEntryWriter.write(w, track);
        w.endBox(stsd);
        emptyTable(w, BoxTypes.STTS);
        emptyTable(w, BoxTypes.STSC);
        int stsz = w.startFullBox(BoxTypes.STSZ, 0, 0);
        w.u32(0).u32(0); // sample_size, sample_count
        w.endBox(stsz);
        emptyTable(w, BoxTypes.STCO);
        w.endBox(stbl);

        w.endBox(minf);
        w.endBox(mdia);
        w.endBox(trak);
    }

    private static void emptyTable(BoxWriter w, int type) {
        int box = w.startFullBox(type, 0, 0);
        w.u32(0); // entry_count
        w.endBox(box);
    }

    private static void matrix(BoxWriter w) {
        for (int v : UNITY_MATRIX) {
            w.u32(v);
        }
    }
}
