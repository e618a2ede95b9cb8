package dev.camrelay.hls.codec;

import dev.camrelay.core.codec.h265.H265SequenceParameterSet;

/**
 * What an {@code hvcC} record and an RFC 6381 {@code hvc1.} codec string need from an H.265 SPS
 * (ITU-T H.265 §7.3.2.2.1 seq_parameter_set_rbsp and §7.3.3 profile_tier_level). The SPS is read by relay-core's
 * {@link H265SequenceParameterSet}, the one H.265 SPS parser of the project (the cameras API reads it too).
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

    /**
     * Parses an SPS NAL unit (with its NAL header, without start code).
     *
     * @throws IllegalArgumentException if the SPS is truncated or malformed
     */
    public static HevcSpsInfo parse(byte[] spsNal) {
        H265SequenceParameterSet sps = H265SequenceParameterSet.parse(spsNal).orElseThrow(
                () -> new IllegalArgumentException("not a parseable H.265 SPS (" + spsNal.length + " bytes)"));
        return new HevcSpsInfo(sps.profileSpace(), sps.highTier(), sps.profileIdc(), sps.compatibilityFlags(),
                sps.constraintFlags(), sps.levelIdc(), sps.maxSubLayersMinus1(), sps.temporalIdNesting(),
                sps.chromaFormatIdc(), sps.bitDepthLumaMinus8(), sps.bitDepthChromaMinus8());
    }
}
