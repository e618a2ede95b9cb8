package dev.camrelay.core.codec.h265;

import dev.camrelay.core.codec.h264.BitReader;
import dev.camrelay.core.codec.h264.Rbsp;
import java.util.Locale;
import java.util.Optional;

/**
 * The facts of an H.265 sequence parameter set (ITU-T H.265 §7.3.2.2.1 seq_parameter_set_rbsp, §7.3.3
 * profile_tier_level, §E.2.1 vui_parameters): what operators see (profile, tier, level, the cropped picture size,
 * the frame rate from the VUI timing info) and what an {@code hvcC} record and an RFC 6381 {@code hvc1.} codec
 * string need (profile space, compatibility and constraint flags, sub-layers, chroma format, bit depths; relay-hls
 * reads them from here). Everything before the VUI is read in full (scaling lists, short-term reference picture
 * sets, long-term pictures), as the VUI comes last.
 *
 * <p>Threading: an immutable value; {@link #parse} is stateless.
 *
 * @param profileIdc           general_profile_idc (1 Main, 2 Main 10, 3 Main Still Picture, 4 range extensions)
 * @param highTier             general_tier_flag
 * @param levelIdc             general_level_idc: 30 times the level (93 is level 3.1)
 * @param width                luma width after the conformance window
 * @param height               luma height after the conformance window
 * @param frameRate            frames per second from the VUI timing info, 0 if absent
 * @param profileSpace         general_profile_space (2 bits)
 * @param compatibilityFlags   general_profile_compatibility_flag[0..31], flag 0 in the most significant bit
 * @param constraintFlags      the 48 bits after the compatibility flags (progressive, interlaced, non-packed,
 *                             frame-only and the constraint/reserved bits), first in the most significant bit
 * @param maxSubLayersMinus1   sps_max_sub_layers_minus1
 * @param temporalIdNesting    sps_temporal_id_nesting_flag
 * @param chromaFormatIdc      chroma_format_idc
 * @param bitDepthLumaMinus8   bit_depth_luma_minus8
 * @param bitDepthChromaMinus8 bit_depth_chroma_minus8
 */
public record H265SequenceParameterSet(int profileIdc, boolean highTier, int levelIdc, int width, int height,
                                       double frameRate, int profileSpace, int compatibilityFlags,
                                       long constraintFlags, int maxSubLayersMinus1, boolean temporalIdNesting,
                                       int chromaFormatIdc, int bitDepthLumaMinus8, int bitDepthChromaMinus8) {

    /** NAL unit type of an SPS (H.265 Table 7-1). */
    public static final int NAL_TYPE_SPS = 33;
    /** §7.4.3.2.1: sps_max_sub_layers_minus1 is 0..6. */
    private static final int MAX_SUB_LAYERS = 7;
    /** §7.4.3.2.1: num_short_term_ref_pic_sets is 0..64. */
    private static final int MAX_SHORT_TERM_REF_PIC_SETS = 64;
    /** §7.4.8: num_negative_pics and num_positive_pics are bounded by sps_max_dec_pic_buffering (at most 16). */
    private static final int MAX_DELTA_POCS = 16;
    /** Largest width or height believed (Table A.8: level 6.2 allows 8444 x 8444 samples; twice that). */
    private static final int MAX_DIMENSION = 16_384;
    /** Table E.1: aspect_ratio_idc that carries sar_width and sar_height. */
    private static final int EXTENDED_SAR = 255;

    /** Parses an SPS NAL unit (two-byte header included, emulation prevention still in); empty if malformed. */
    public static Optional<H265SequenceParameterSet> parse(byte[] nal) {
        if (nal.length < 4 || ((nal[0] >> 1) & 0x3F) != NAL_TYPE_SPS) {
            return Optional.empty();
        }
        try {
            return Optional.of(parseRbsp(new BitReader(Rbsp.unescape(nal, 2, nal.length - 2), 0)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static H265SequenceParameterSet parseRbsp(BitReader r) {
        r.u(4); // sps_video_parameter_set_id
        int maxSubLayersMinus1 = r.u(3);
        if (maxSubLayersMinus1 >= MAX_SUB_LAYERS) {
            throw new IllegalArgumentException("sps_max_sub_layers_minus1 " + maxSubLayersMinus1);
        }
        boolean nesting = r.flag(); // sps_temporal_id_nesting_flag
        int profileSpace = r.u(2);
        boolean tier = r.flag();
        int profile = r.u(5);
        int compatibility = (r.u(16) << 16) | r.u(16); // general_profile_compatibility_flag[32]
        // progressive, interlaced, non-packed, frame-only and the 44 reserved/constraint bits
        long constraints = ((long) r.u(24) << 24) | r.u(24);
        int level = r.u(8);
        skipSubLayers(r, maxSubLayersMinus1);
        r.ue(); // sps_seq_parameter_set_id
        int chroma = r.ue();
        if (chroma > 3) {
            throw new IllegalArgumentException("chroma_format_idc " + chroma);
        }
        boolean separateColourPlanes = chroma == 3 && r.flag();
        int width = r.ue();
        int height = r.ue();
        if (r.flag()) { // conformance_window_flag; offsets in chroma samples (§7.4.3.2.1, Table 6-1)
            int arrayType = separateColourPlanes ? 0 : chroma;
            int subWidth = arrayType == 1 || arrayType == 2 ? 2 : 1;
            int subHeight = arrayType == 1 ? 2 : 1;
            width -= subWidth * (r.ue() + r.ue());
            height -= subHeight * (r.ue() + r.ue());
        }
        if (width <= 0 || height <= 0 || width > MAX_DIMENSION || height > MAX_DIMENSION) {
            throw new IllegalArgumentException("implausible size " + width + "x" + height);
        }
        int lumaMinus8 = r.ue(); // bit_depth_luma_minus8
        int chromaMinus8 = r.ue(); // bit_depth_chroma_minus8
        int log2MaxPocLsb = r.ue() + 4;
        if (log2MaxPocLsb > 16) {
            throw new IllegalArgumentException("log2_max_pic_order_cnt_lsb_minus4 above 12");
        }
        boolean orderingForAll = r.flag(); // sps_sub_layer_ordering_info_present_flag
        for (int i = orderingForAll ? 0 : maxSubLayersMinus1; i <= maxSubLayersMinus1; i++) {
            r.ue(); // sps_max_dec_pic_buffering_minus1
            r.ue(); // sps_max_num_reorder_pics
            r.ue(); // sps_max_latency_increase_plus1
        }
        for (int i = 0; i < 6; i++) {
            r.ue(); // coding and transform block sizes, transform hierarchy depths
        }
        if (r.flag() && r.flag()) { // scaling_list_enabled_flag, sps_scaling_list_data_present_flag
            skipScalingListData(r);
        }
        r.u(2); // amp_enabled_flag, sample_adaptive_offset_enabled_flag
        if (r.flag()) { // pcm_enabled_flag
            r.u(8); // pcm sample bit depths
            r.ue();
            r.ue();
            r.u(1);
        }
        skipShortTermRefPicSets(r);
        if (r.flag()) { // long_term_ref_pics_present_flag
            int n = r.ue();
            if (n > 32) {
                throw new IllegalArgumentException("num_long_term_ref_pics_sps " + n);
            }
            for (int i = 0; i < n; i++) {
                r.u(log2MaxPocLsb); // lt_ref_pic_poc_lsb_sps
                r.u(1);
            }
        }
        r.u(2); // sps_temporal_mvp_enabled_flag, strong_intra_smoothing_enabled_flag
        double fps = r.flag() ? vuiFrameRate(r) : 0;
        return new H265SequenceParameterSet(profile, tier, level, width, height, fps, profileSpace, compatibility,
                constraints, maxSubLayersMinus1, nesting, chroma, lumaMinus8, chromaMinus8);
    }

    /** §7.3.3: the sub-layer flags, then their profiles and levels. */
    private static void skipSubLayers(BitReader r, int maxSubLayersMinus1) {
        boolean[] profilePresent = new boolean[maxSubLayersMinus1];
        boolean[] levelPresent = new boolean[maxSubLayersMinus1];
        for (int i = 0; i < maxSubLayersMinus1; i++) {
            profilePresent[i] = r.flag();
            levelPresent[i] = r.flag();
        }
        if (maxSubLayersMinus1 > 0) {
            for (int i = maxSubLayersMinus1; i < 8; i++) {
                r.u(2); // reserved_zero_2bits
            }
        }
        for (int i = 0; i < maxSubLayersMinus1; i++) {
            if (profilePresent[i]) {
                r.u(24); // 88 bits: profile space, tier, idc, compatibility and constraint flags
                r.u(24);
                r.u(24);
                r.u(16);
            }
            if (levelPresent[i]) {
                r.u(8);
            }
        }
    }

    /** §7.3.4 scaling_list_data. */
    private static void skipScalingListData(BitReader r) {
        for (int sizeId = 0; sizeId < 4; sizeId++) {
            for (int matrixId = 0; matrixId < 6; matrixId += sizeId == 3 ? 3 : 1) {
                if (!r.flag()) { // scaling_list_pred_mode_flag
                    r.ue(); // scaling_list_pred_matrix_id_delta
                    continue;
                }
                int coefficients = Math.min(64, 1 << (4 + (sizeId << 1)));
                if (sizeId > 1) {
                    r.se(); // scaling_list_dc_coef_minus8
                }
                for (int i = 0; i < coefficients; i++) {
                    r.se(); // scaling_list_delta_coef
                }
            }
        }
    }

    /** §7.3.7 st_ref_pic_set for every set in the SPS; inter-predicted sets need the previous set's size. */
    private static void skipShortTermRefPicSets(BitReader r) {
        int sets = r.ue();
        if (sets > MAX_SHORT_TERM_REF_PIC_SETS) {
            throw new IllegalArgumentException("num_short_term_ref_pic_sets " + sets);
        }
        int previousDeltaPocs = 0;
        for (int idx = 0; idx < sets; idx++) {
            int deltaPocs = 0;
            if (idx != 0 && r.flag()) { // inter_ref_pic_set_prediction_flag (delta_idx_minus1 is slice-only)
                r.u(1); // delta_rps_sign
                r.ue(); // abs_delta_rps_minus1
                for (int j = 0; j <= previousDeltaPocs; j++) {
                    boolean used = r.flag(); // used_by_curr_pic_flag
                    if (used || r.flag()) { // else use_delta_flag
                        deltaPocs++;
                    }
                }
            } else {
                int negative = r.ue();
                int positive = r.ue();
                if (negative > MAX_DELTA_POCS || positive > MAX_DELTA_POCS) {
                    throw new IllegalArgumentException("too many reference pictures");
                }
                for (int i = 0; i < negative + positive; i++) {
                    r.ue(); // delta_poc_sX_minus1
                    r.u(1); // used_by_curr_pic_sX_flag
                }
                deltaPocs = negative + positive;
            }
            if (deltaPocs > 2 * MAX_DELTA_POCS) {
                throw new IllegalArgumentException("too many reference pictures");
            }
            previousDeltaPocs = deltaPocs;
        }
    }

    /** §E.2.1 up to the timing info: time_scale / num_units_in_tick, or 0. */
    private static double vuiFrameRate(BitReader r) {
        if (r.flag() && r.u(8) == EXTENDED_SAR) { // aspect_ratio_info_present_flag, aspect_ratio_idc
            r.u(16);
            r.u(16);
        }
        if (r.flag()) { // overscan_info_present_flag
            r.u(1);
        }
        if (r.flag()) { // video_signal_type_present_flag
            r.u(4);
            if (r.flag()) { // colour_description_present_flag
                r.u(24);
            }
        }
        if (r.flag()) { // chroma_loc_info_present_flag
            r.ue();
            r.ue();
        }
        r.u(3); // neutral_chroma_indication_flag, field_seq_flag, frame_field_info_present_flag
        if (r.flag()) { // default_display_window_flag
            r.ue();
            r.ue();
            r.ue();
            r.ue();
        }
        if (!r.flag()) { // vui_timing_info_present_flag
            return 0;
        }
        long unitsInTick = ((long) r.u(16) << 16) | r.u(16);
        long timeScale = ((long) r.u(16) << 16) | r.u(16);
        return unitsInTick == 0 ? 0 : Math.round(1000.0 * timeScale / unitsInTick) / 1000.0;
    }

    /** The profile's name (H.265 Annex A), e.g. {@code Main 10}. */
    public String profileName() {
        return switch (profileIdc) {
            case 1 -> "Main";
            case 2 -> "Main 10";
            case 3 -> "Main Still Picture";
            case 4 -> "Rext";
            case 5 -> "High Throughput";
            case 9 -> "Screen Content";
            default -> "profile " + profileIdc;
        };
    }

    /** The level as written, e.g. {@code 3.1} for general_level_idc 93 (§A.4.1: 30 times the level). */
    public String levelName() {
        return levelIdc % 30 == 0 ? Integer.toString(levelIdc / 30)
                : String.format(Locale.ROOT, "%d.%d", levelIdc / 30, levelIdc % 30 / 3);
    }
}
