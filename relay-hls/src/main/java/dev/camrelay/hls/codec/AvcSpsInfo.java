package dev.camrelay.hls.codec;

import dev.camrelay.core.codec.h264.BitReader;
import dev.camrelay.core.codec.h264.Rbsp;
import java.util.Set;

/**
 * What an {@code avcC} record needs from an H.264 SPS beyond its first bytes (ITU-T H.264 §7.3.2.1.1): the chroma
 * format and bit depths, present in the SPS only for the High family of profiles.
 *
 * @param profileIdc           profile_idc
 * @param chromaFormatIdc      chroma_format_idc (1, 4:2:0, when the SPS does not carry it)
 * @param bitDepthLumaMinus8   bit_depth_luma_minus8 (0 when absent)
 * @param bitDepthChromaMinus8 bit_depth_chroma_minus8 (0 when absent)
 */
public record AvcSpsInfo(int profileIdc, int chromaFormatIdc, int bitDepthLumaMinus8, int bitDepthChromaMinus8) {

    /** Profiles whose SPS carries chroma_format_idc and bit depths (H.264 §7.3.2.1.1). */
    private static final Set<Integer> HIGH_PROFILES = Set.of(100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139,
            134, 135);
    /** Profiles whose avcC has no chroma/bit-depth extension (ISO/IEC 14496-15 §5.3.3.1.2). */
    private static final Set<Integer> NO_AVCC_EXTENSION = Set.of(66, 77, 88);
    private static final int NAL_HEADER_LENGTH = 1;

    /**
     * Parses an SPS NAL unit (with its one-byte NAL header, without start code).
     *
     * @throws IllegalArgumentException if the SPS is truncated
     */
    public static AvcSpsInfo parse(byte[] spsNal) {
        BitReader r = new BitReader(Rbsp.unescape(spsNal, 0, spsNal.length), NAL_HEADER_LENGTH);
        final int profile = r.u(8);
        r.u(16); // constraint flags, level_idc
        r.ue();     // seq_parameter_set_id
        if (!HIGH_PROFILES.contains(profile)) {
            return new AvcSpsInfo(profile, 1, 0, 0);
        }
        final int chroma = r.ue();
        if (chroma == 3) {
            r.u(1); // separate_colour_plane_flag
        }
        final int luma = r.ue();
        final int chromaDepth = r.ue();
        return new AvcSpsInfo(profile, chroma, luma, chromaDepth);
    }

    /** Whether the avcC record ends with the chroma format / bit depth extension for this profile. */
    public boolean avcCHasExtension() {
        return !NO_AVCC_EXTENSION.contains(profileIdc);
    }
}
