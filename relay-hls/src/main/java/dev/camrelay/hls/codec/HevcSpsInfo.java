package dev.camrelay.hls.codec;

/**
 * What an {@code hvcC} record and an RFC 6381 {@code hvc1.} codec string need from an H.265 SPS
 * (ITU-T H.265 §7.3.2.2.1 seq_parameter_set_rbsp and §7.3.3 profile_tier_level).
 *
 * @param profileSpace            general_profile_space (2 bits)
 * @param tierFlag                general_tier_flag
 * @param profileIdc              general_profile_idc (5 bits)
 * @param compatibilityFlags      general_profile_compatibility_flag[0..31], flag 0 in the most significant bit
 * @param constraintFlags         the 48 bits of general constraint indicator flags
 * @param levelIdc                general_level_idc
 * @param maxSubLayersMinus1      sps_max_sub_layers_minus1
 * @param temporalIdNesting       sps_temporal_id_nesting_flag
 * @param chromaFormatIdc         chroma_format_idc
 * @param bitDepthLumaMinus8      bit_depth_luma_minus8
 * @param bitDepthChromaMinus8    bit_depth_chroma_minus8
 */
public record HevcSpsInfo(int profileSpace, boolean tierFlag, int profileIdc, int compatibilityFlags,
                          long constraintFlags, int levelIdc, int maxSubLayersMinus1, boolean temporalIdNesting,
                          int chromaFormatIdc, int bitDepthLumaMinus8, int bitDepthChromaMinus8) {

    /** Bytes of the two-byte H.265 NAL unit header (§7.3.1.2). */
    private static final int NAL_HEADER_LENGTH = 2;
    private static final int SUB_LAYER_PROFILE_BITS = 88;
    private static final int SUB_LAYER_LEVEL_BITS = 8;

    /**
     * Parses an SPS NAL unit (with its NAL header, without start code).
     *
     * @throws IllegalArgumentException if the SPS is truncated or malformed
     */
    public static HevcSpsInfo parse(byte[] spsNal) {
        BitReader r = new BitReader(BitReader.unescape(spsNal), NAL_HEADER_LENGTH);
        r.skip(4); // sps_video_parameter_set_id
        final int maxSubLayersMinus1 = r.bits(3);
        final boolean nesting = r.bits(1) == 1;
        final int profileSpace = r.bits(2);
        final boolean tier = r.bits(1) == 1;
        final int profileIdc = r.bits(5);
        final int compat = r.bits(32);
        final long constraints = r.bitsLong(48);
        final int levelIdc = r.bits(8);
        boolean[] profilePresent = new boolean[maxSubLayersMinus1];
        boolean[] levelPresent = new boolean[maxSubLayersMinus1];
        for (int i = 0; i < maxSubLayersMinus1; i++) {
            profilePresent[i] = r.bits(1) == 1;
            levelPresent[i] = r.bits(1) == 1;
        }
        if (maxSubLayersMinus1 > 0) {
            r.skip(2 * (8 - maxSubLayersMinus1)); // reserved_zero_2bits
        }
        for (int i = 0; i < maxSubLayersMinus1; i++) {
            r.skip((profilePresent[i] ? SUB_LAYER_PROFILE_BITS : 0) + (levelPresent[i] ? SUB_LAYER_LEVEL_BITS : 0));
        }
        r.ue(); // sps_seq_parameter_set_id
        final int chroma = r.ue();
        if (chroma == 3) {
            r.skip(1); // separate_colour_plane_flag
        }
        r.ue(); // pic_width_in_luma_samples
        r.ue(); // pic_height_in_luma_samples
        if (r.bits(1) == 1) { // conformance_window_flag
            r.ue();
            r.ue();
            r.ue();
            r.ue();
        }
        final int lumaMinus8 = r.ue();
        final int chromaMinus8 = r.ue();
        return new HevcSpsInfo(profileSpace, tier, profileIdc, compat, constraints, levelIdc, maxSubLayersMinus1,
                nesting, chroma, lumaMinus8, chromaMinus8);
    }
}
