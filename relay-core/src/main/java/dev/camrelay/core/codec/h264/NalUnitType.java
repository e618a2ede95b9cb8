package dev.camrelay.core.codec.h264;

/** H.264 NAL unit types the relay looks at (ITU-T H.264 table 7-1). */
public final class NalUnitType {

    public static final int NON_IDR_SLICE = 1;
    public static final int IDR_SLICE = 5;
    public static final int SEI = 6;
    public static final int SPS = 7;
    public static final int PPS = 8;
    public static final int ACCESS_UNIT_DELIMITER = 9;

    /** The type field of a NAL unit header byte (H.264 7.3.1: forbidden_zero_bit, nal_ref_idc, nal_unit_type). */
    public static int of(byte header) {
        return header & 0x1f;
    }

    /** Slices carry the picture (VCL NAL units, types 1 to 5). */
    public static boolean isSlice(int type) {
        return type >= NON_IDR_SLICE && type <= IDR_SLICE;
    }

    private NalUnitType() {
    }
}
