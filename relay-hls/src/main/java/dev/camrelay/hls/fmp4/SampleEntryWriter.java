package dev.camrelay.hls.fmp4;

import dev.camrelay.core.media.TrackFormat;
import dev.camrelay.hls.codec.AvcSpsInfo;
import dev.camrelay.hls.codec.HevcSpsInfo;
import java.util.List;

/**
 * Writes the one sample entry of a track's {@code stsd}: {@code avc1}+{@code avcC}, {@code hvc1}+{@code hvcC},
 * {@code mp4a}+{@code esds} or {@code Opus}+{@code dOps}. Stateless.
 */
final class SampleEntryWriter {

    /** 72 dpi as 16.16 fixed point (14496-12 §12.1.3.2). */
    private static final int RESOLUTION_72_DPI = 0x0048_0000;
    /** VisualSampleEntry.depth: colour with no alpha (14496-12 §12.1.3.2). */
    private static final int DEPTH_COLOUR = 0x0018;
    private static final int COMPRESSOR_NAME_LENGTH = 32;
    /** NAL unit length fields are 4 bytes (lengthSizeMinusOne = 3), matching the AVCC payloads of the buffer. */
    private static final int LENGTH_SIZE_MINUS_ONE = 3;
    /** H.265 NAL unit types of VPS, SPS, PPS (ITU-T H.265 Table 7-1). */
    private static final int[] HEVC_PARAMETER_SET_TYPES = {32, 33, 34};

    /** ES descriptor tags (ISO/IEC 14496-1 §7.2.2.1). */
    private static final int ES_DESCR_TAG = 0x03;
    private static final int DECODER_CONFIG_DESCR_TAG = 0x04;
    private static final int DEC_SPECIFIC_INFO_TAG = 0x05;
    private static final int SL_CONFIG_DESCR_TAG = 0x06;
    /** objectTypeIndication for Audio ISO/IEC 14496-3 (14496-1 Table 5). */
    private static final int OBJECT_TYPE_AAC = 0x40;
    /** streamType 5 (audio) &lt;&lt; 2 | upStream 0 | reserved 1 (14496-1 §7.2.6.6.1). */
    private static final int STREAM_TYPE_AUDIO = 0x15;
    /** SLConfigDescriptor predefined = 2: reserved for use in MP4 files (14496-14 §3.1.2). */
    private static final int SL_PREDEFINED_MP4 = 0x02;
    /** Opus always runs at 48 kHz in the sample entry (Opus in ISOBMFF §4.3). */
    private static final int OPUS_SAMPLE_RATE = 48_000;

    private SampleEntryWriter() {
    }

    static void write(BoxWriter w, TrackFormat track) {
        switch (track.codec()) {
            case H264 -> avc1(w, track);
            case H265 -> hvc1(w, track);
            case AAC -> mp4a(w, track);
            case OPUS -> opus(w, track);
            default -> throw new IllegalArgumentException("no fMP4 sample entry for " + track.codec());
        }
    }

    private static void visualSampleEntryFields(BoxWriter w, TrackFormat track) {
        w.zeros(6).u16(1);                         // reserved, data_reference_index
        w.u16(0).u16(0).zeros(12);                 // pre_defined, reserved, pre_defined[3]
        w.u16(track.width()).u16(track.height());
        w.u32(RESOLUTION_72_DPI).u32(RESOLUTION_72_DPI);
        w.u32(0).u16(1);                           // reserved, frame_count
        w.zeros(COMPRESSOR_NAME_LENGTH);
        w.u16(DEPTH_COLOUR).u16(0xFFFF);           // depth, pre_defined = -1
    }

    private static void audioSampleEntryFields(BoxWriter w, int channels, int sampleRate) {
        w.zeros(6).u16(1);                         // reserved, data_reference_index
        w.zeros(8);                                // reserved[2]
        w.u16(channels).u16(16);                   // channelcount, samplesize
        w.u16(0).u16(0);                           // pre_defined, reserved
        w.u32(sampleRate << 16);                   // samplerate, 16.16
    }

    /** AVCDecoderConfigurationRecord, ISO/IEC 14496-15 §5.3.3.1. */
    private static void avc1(BoxWriter w, TrackFormat track) {
        List<byte[]> ps = track.parameterSets();
        if (ps.size() < 2 || ps.get(0).length < 4) {
            throw new IllegalArgumentException("H.264 track needs SPS and PPS");
        }
        byte[] sps = ps.get(0);
        int entry = w.startBox(BoxTypes.AVC1);
        visualSampleEntryFields(w, track);
        int avcc = w.startBox(BoxTypes.AVCC);
        w.u8(1).u8(sps[1]).u8(sps[2]).u8(sps[3]);  // version, profile, compatibility, level
        w.u8(0xFC | LENGTH_SIZE_MINUS_ONE);
        w.u8(0xE0 | 1).u16(sps.length).bytes(sps);
        w.u8(ps.size() - 1);
        for (int i = 1; i < ps.size(); i++) {
            w.u16(ps.get(i).length).bytes(ps.get(i));
        }
        AvcSpsInfo info = AvcSpsInfo.parse(sps);
        if (info.avcCHasExtension()) {
            w.u8(0xFC | info.chromaFormatIdc());
            w.u8(0xF8 | info.bitDepthLumaMinus8());
            w.u8(0xF8 | info.bitDepthChromaMinus8());
            w.u8(0);                                // numOfSequenceParameterSetExt
        }
        w.endBox(avcc);
        w.endBox(entry);
    }

    /** HEVCDecoderConfigurationRecord, ISO/IEC 14496-15 §8.3.3.1. */
    private static void hvc1(BoxWriter w, TrackFormat track) {
        List<byte[]> ps = track.parameterSets();
        if (ps.size() < 3) {
            throw new IllegalArgumentException("H.265 track needs VPS, SPS and PPS");
        }
        HevcSpsInfo sps = HevcSpsInfo.parse(ps.get(1));
        int entry = w.startBox(BoxTypes.HVC1);
        visualSampleEntryFields(w, track);
        int hvcc = w.startBox(BoxTypes.HVCC);
        w.u8(1);
        w.u8(sps.profileSpace() << 6 | (sps.tierFlag() ? 0x20 : 0) | sps.profileIdc());
        w.u32(sps.compatibilityFlags());
        w.u16((int) (sps.constraintFlags() >>> 32)).u32((int) sps.constraintFlags());
        w.u8(sps.levelIdc());
        w.u16(0xF000);                             // reserved, min_spatial_segmentation_idc = 0
        w.u8(0xFC);                                // reserved, parallelismType = 0 (unknown)
        w.u8(0xFC | sps.chromaFormatIdc());
        w.u8(0xF8 | sps.bitDepthLumaMinus8());
        w.u8(0xF8 | sps.bitDepthChromaMinus8());
        w.u16(0);                                  // avgFrameRate: unspecified
        w.u8((sps.maxSubLayersMinus1() + 1) << 3 | (sps.temporalIdNesting() ? 0x04 : 0) | LENGTH_SIZE_MINUS_ONE);
        w.u8(HEVC_PARAMETER_SET_TYPES.length);
        for (int i = 0; i < HEVC_PARAMETER_SET_TYPES.length; i++) {
            w.u8(0x80 | HEVC_PARAMETER_SET_TYPES[i]); // array_completeness = 1: all in the record
            w.u16(1).u16(ps.get(i).length).bytes(ps.get(i));
        }
        w.endBox(hvcc);
        w.endBox(entry);
    }

    /** mp4a with an ES descriptor carrying the AudioSpecificConfig (ISO/IEC 14496-14 §5.6, 14496-1 §7.2.6.5). */
    private static void mp4a(BoxWriter w, TrackFormat track) {
        List<byte[]> ps = track.parameterSets();
        if (ps.isEmpty()) {
            throw new IllegalArgumentException("AAC track needs its AudioSpecificConfig");
        }
        byte[] asc = ps.get(0);
        int entry = w.startBox(BoxTypes.MP4A);
        audioSampleEntryFields(w, track.channels() > 0 ? track.channels() : 2, track.sampleRate());
        int esds = w.startFullBox(BoxTypes.ESDS, 0, 0);
        final int decSpecific = 2 + asc.length;
        final int decConfig = 13 + decSpecific;
        final int slConfig = 3;
        descriptor(w, ES_DESCR_TAG, 3 + 2 + decConfig + slConfig);
        w.u16(track.trackId() + 1).u8(0);          // ES_ID, no dependency/URL/OCR
        descriptor(w, DECODER_CONFIG_DESCR_TAG, 13 + decSpecific);
        w.u8(OBJECT_TYPE_AAC).u8(STREAM_TYPE_AUDIO).u24(0).u32(0).u32(0); // bufferSizeDB, max/avg bitrate unknown
        descriptor(w, DEC_SPECIFIC_INFO_TAG, asc.length);
        w.bytes(asc);
        descriptor(w, SL_CONFIG_DESCR_TAG, 1);
        w.u8(SL_PREDEFINED_MP4);
        w.endBox(esds);
        w.endBox(entry);
    }

    /** Tag and a one-byte size; every descriptor here is shorter than 128 bytes (14496-1 §8.3.3). */
    private static void descriptor(BoxWriter w, int tag, int size) {
        if (size > 0x7F) {
            throw new IllegalArgumentException("descriptor too long: " + size);
        }
        w.u8(tag).u8(size);
    }

    /** Opus sample entry and OpusSpecificBox (Encapsulation of Opus in ISO Base Media File Format §4.3.2). */
    private static void opus(BoxWriter w, TrackFormat track) {
        final int channels = Math.max(1, track.channels());
        if (channels > 2) {
            throw new IllegalArgumentException("Opus with more than 2 channels needs a channel mapping table");
        }
        int entry = w.startBox(BoxTypes.OPUS);
        audioSampleEntryFields(w, channels, OPUS_SAMPLE_RATE);
        int dops = w.startBox(BoxTypes.DOPS);
        w.u8(0).u8(channels);                       // Version, OutputChannelCount
        w.u16(0);                                   // PreSkip: RTP-sourced Opus has no encoder delay to trim
        w.u32(track.sampleRate() > 0 ? track.sampleRate() : OPUS_SAMPLE_RATE); // InputSampleRate
        w.u16(0).u8(0);                             // OutputGain, ChannelMappingFamily 0 (mono/stereo)
        w.endBox(dops);
        w.endBox(entry);
    }
}
