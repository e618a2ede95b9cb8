package dev.camrelay.core.codec.h264;

import java.util.Locale;
import java.util.Optional;

/**
 * The facts of an H.264 sequence parameter set that operators, muxers and SDP need (H.264 7.3.2.1.1 and E.1.1).
 *
 * @param profileIdc        profile_idc (66 Baseline, 77 Main, 100 High, ...)
 * @param constraintFlags   the constraint_set flags byte
 * @param levelIdc          level_idc (e.g. 31 for level 3.1)
 * @param width             luma width after cropping
 * @param height            luma height after cropping
 * @param frameRate         frames per second from the VUI timing info, 0 if absent
 */
public record SequenceParameterSet(int profileIdc, int constraintFlags, int levelIdc, int width, int height,
                                   double frameRate) {

    /** Profiles whose SPS carries chroma format, bit depths and scaling lists (H.264 7.3.2.1.1). */
    private static final int[] HIGH_PROFILES = {100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135};

    /** Parses an SPS NAL unit (header byte included, emulation prevention still in); empty if malformed. */
    public static Optional<SequenceParameterSet> parse(byte[] nal) {
        if (nal.length < 4 || NalUnitType.of(nal[0]) != NalUnitType.SPS) {
            return Optional.empty();
        }
        try {
            return Optional.of(parseRbsp(Rbsp.unescape(nal, 1, nal.length - 1)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static SequenceParameterSet parseRbsp(byte[] rbsp) {
        BitReader r = new BitReader(rbsp, 0);
        int profile = r.u(8);
        int constraints = r.u(8);
        int level = r.u(8);
        r.ue(); // seq_parameter_set_id
        int chromaFormat = 1;
        boolean separateColourPlanes = false;
        if (isHighProfile(profile)) {
            chromaFormat = r.ue();
            if (chromaFormat == 3) {
                separateColourPlanes = r.flag();
            }
            r.ue(); // bit_depth_luma_minus8
            r.ue(); // bit_depth_chroma_minus8
            r.flag(); // qpprime_y_zero_transform_bypass_flag
            if (r.flag()) { // seq_scaling_matrix_present_flag
                int lists = chromaFormat != 3 ? 8 : 12;
                for (int i = 0; i < lists; i++) {
                    if (r.flag()) {
                        skipScalingList(r, i < 6 ? 16 : 64);
                    }
                }
            }
        }
        r.ue(); // log2_max_frame_num_minus4
        int pocType = r.ue();
        if (pocType == 0) {
            r.ue(); // log2_max_pic_order_cnt_lsb_minus4
        } else if (pocType == 1) {
            r.flag(); // delta_pic_order_always_zero_flag
            r.se(); // offset_for_non_ref_pic
            r.se(); // offset_for_top_to_bottom_field
            int cycle = r.ue();
            if (cycle > 255) {
                throw new IllegalArgumentException("num_ref_frames_in_pic_order_cnt_cycle > 255");
            }
            for (int i = 0; i < cycle; i++) {
                r.se();
            }
        }
        r.ue(); // max_num_ref_frames
        r.flag(); // gaps_in_frame_num_value_allowed_flag
        int widthMbs = r.ue() + 1;
        int heightMapUnits = r.ue() + 1;
        boolean frameMbsOnly = r.flag();
        if (!frameMbsOnly) {
            r.flag(); // mb_adaptive_frame_field_flag
        }
        r.flag(); // direct_8x8_inference_flag
        int cropLeft = 0;
        int cropRight = 0;
        int cropTop = 0;
        int cropBottom = 0;
        if (r.flag()) {
            cropLeft = r.ue();
            cropRight = r.ue();
            cropTop = r.ue();
            cropBottom = r.ue();
        }
        // Crop units (H.264 equations 7-19 to 7-22).
        int chromaArrayType = separateColourPlanes ? 0 : chromaFormat;
        int subWidthC = chromaFormat == 3 ? 1 : 2;
        int subHeightC = chromaFormat == 1 ? 2 : 1;
        int cropUnitX = chromaArrayType == 0 ? 1 : subWidthC;
        int cropUnitY = (chromaArrayType == 0 ? 1 : subHeightC) * (frameMbsOnly ? 1 : 2);
        int width = widthMbs * 16 - cropUnitX * (cropLeft + cropRight);
        int height = (frameMbsOnly ? 1 : 2) * heightMapUnits * 16 - cropUnitY * (cropTop + cropBottom);
        if (width <= 0 || height <= 0 || width > 16384 || height > 16384) {
            throw new IllegalArgumentException("implausible size " + width + "x" + height);
        }
        double fps = r.flag() ? vuiFrameRate(r) : 0;
        return new SequenceParameterSet(profile, constraints, level, width, height, fps);
    }

    private static double vuiFrameRate(BitReader r) {
        if (r.flag()) { // aspect_ratio_info_present_flag
            if (r.u(8) == 255) { // Extended_SAR
                r.u(16);
                r.u(16);
            }
        }
        if (r.flag()) { // overscan_info_present_flag
            r.flag();
        }
        if (r.flag()) { // video_signal_type_present_flag
            r.u(3);
            r.flag();
            if (r.flag()) { // colour_description_present_flag
                r.u(24);
            }
        }
        if (r.flag()) { // chroma_loc_info_present_flag
            r.ue();
            r.ue();
        }
        if (!r.flag()) { // timing_info_present_flag
            return 0;
        }
        long unitsInTick = r.u(32) & 0xffffffffL;
        long timeScale = r.u(32) & 0xffffffffL;
        // E.2.1: one frame is two ticks for progressive content.
        return unitsInTick == 0 ? 0 : timeScale / (2.0 * unitsInTick);
    }

    private static void skipScalingList(BitReader r, int size) {
        int last = 8;
        int next = 8;
        for (int j = 0; j < size; j++) {
            if (next != 0) {
                next = (last + r.se() + 256) % 256;
            }
            last = next == 0 ? last : next;
        }
    }

    private static boolean isHighProfile(int profile) {
        for (int p : HIGH_PROFILES) {
            if (p == profile) {
                return true;
            }
        }
        return false;
    }

    /** Operator-facing profile name (H.264 annex A). */
    public String profileName() {
        return switch (profileIdc) {
            case 66 -> (constraintFlags & 0x40) != 0 ? "Constrained Baseline" : "Baseline";
            case 77 -> "Main";
            case 88 -> "Extended";
            case 100 -> "High";
            case 110 -> "High 10";
            case 122 -> "High 4:2:2";
            case 244 -> "High 4:4:4";
            default -> "profile " + profileIdc;
        };
    }

    /** Level as operators write it, e.g. {@code 3.1}. */
    public String levelName() {
        return String.format(Locale.ROOT, "%d.%d", levelIdc / 10, levelIdc % 10);
    }

    /** RFC 6381 codecs parameter, e.g. {@code avc1.42c01e}; also the SDP profile-level-id (after the dot). */
    public String codecString() {
        return String.format(Locale.ROOT, "avc1.%02x%02x%02x", profileIdc, constraintFlags, levelIdc);
    }
}
