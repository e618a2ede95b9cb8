package dev.camrelay.hls.fmp4;

import java.nio.charset.StandardCharsets;

/**
 * Four-character codes of the boxes this muxer writes, as big-endian ints, and the brands of the {@code ftyp}.
 *
 * <pre>
 * init segment (ISO/IEC 14496-12, section in brackets)     media fragment
 * ftyp [4.3]                                               moof [8.8.4]
 * moov [8.2.1]                                               mfhd [8.8.5]   sequence_number
 *   mvhd [8.2.2]                                             traf [8.8.6]   one per track with samples
 *   trak [8.3.1]            one per track                      tfhd [8.8.7] default-base-is-moof
 *     tkhd [8.3.2]                                             tfdt [8.8.12] baseMediaDecodeTime (v1, 64 bit)
 *     mdia [8.4.1]                                             trun [8.8.8]  v1: signed composition offsets
 *       mdhd [8.4.2]  hdlr [8.4.3]                           mdat [8.1.1]   samples, track after track
 *       minf [8.4.4]
 *         vmhd [12.1.2] | smhd [12.2.2]
 *         dinf [8.7.1] { dref [8.7.2] { url  } }
 *         stbl [8.5.1] { stsd [8.5.2], stts [8.6.1.2], stsc [8.7.4], stsz [8.7.3.2], stco [8.7.5] } (all empty)
 *   mvex [8.8.1] { trex [8.8.3] per track }
 * sample entries: avc1/avcC (14496-15 §5.3.4), hvc1/hvcC (14496-15 §8.4.1), mp4a/esds (14496-14 §5.6),
 * Opus/dOps ("Encapsulation of Opus in ISO Base Media File Format" §4.3)
 * </pre>
 */
public final class BoxTypes {

    public static final int FTYP = fourcc("ftyp");
    public static final int MOOV = fourcc("moov");
    public static final int MVHD = fourcc("mvhd");
    public static final int TRAK = fourcc("trak");
    public static final int TKHD = fourcc("tkhd");
    public static final int MDIA = fourcc("mdia");
    public static final int MDHD = fourcc("mdhd");
    public static final int HDLR = fourcc("hdlr");
    public static final int MINF = fourcc("minf");
    public static final int VMHD = fourcc("vmhd");
    public static final int SMHD = fourcc("smhd");
    public static final int DINF = fourcc("dinf");
    public static final int DREF = fourcc("dref");
    public static final int URL = fourcc("url ");
    public static final int STBL = fourcc("stbl");
    public static final int STSD = fourcc("stsd");
    public static final int STTS = fourcc("stts");
    public static final int STSC = fourcc("stsc");
    public static final int STSZ = fourcc("stsz");
    public static final int STCO = fourcc("stco");
    public static final int MVEX = fourcc("mvex");
    public static final int TREX = fourcc("trex");

    public static final int AVC1 = fourcc("avc1");
    public static final int AVCC = fourcc("avcC");
    public static final int HVC1 = fourcc("hvc1");
    public static final int HVCC = fourcc("hvcC");
    public static final int MP4A = fourcc("mp4a");
    public static final int ESDS = fourcc("esds");
    public static final int OPUS = fourcc("Opus");
    public static final int DOPS = fourcc("dOps");

    public static final int MOOF = fourcc("moof");
    public static final int MFHD = fourcc("mfhd");
    public static final int TRAF = fourcc("traf");
    public static final int TFHD = fourcc("tfhd");
    public static final int TFDT = fourcc("tfdt");
    public static final int TRUN = fourcc("trun");
    public static final int MDAT = fourcc("mdat");

    /** Handler types (14496-12 §8.4.3). */
    public static final int VIDE = fourcc("vide");
    public static final int SOUN = fourcc("soun");

    /** Brands: major {@code mp42}; compatible also {@code isom} and Apple's {@code hlsf} (HLS fMP4). */
    public static final int BRAND_MP42 = fourcc("mp42");
    public static final int BRAND_MP41 = fourcc("mp41");
    public static final int BRAND_ISOM = fourcc("isom");
    public static final int BRAND_HLSF = fourcc("hlsf");

    private BoxTypes() {
    }

    /** The big-endian int of a four-character code. */
    public static int fourcc(String code) {
        byte[] b = code.getBytes(StandardCharsets.US_ASCII);
        if (b.length != 4) {
            throw new IllegalArgumentException("four characters expected: " + code);
        }
        return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
    }

    /** The four characters of a code, for diagnostics. */
    public static String name(int type) {
        return new String(new byte[] {(byte) (type >>> 24), (byte) (type >>> 16), (byte) (type >>> 8), (byte) type},
                StandardCharsets.US_ASCII);
    }
}
