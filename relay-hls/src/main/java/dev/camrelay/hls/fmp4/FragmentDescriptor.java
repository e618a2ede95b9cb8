package dev.camrelay.hls.fmp4;

/**
 * Field values of the media fragment boxes (ISO/IEC 14496-12 §8.8).
 *
 * <pre>
 * trun v1, flags = DATA_OFFSET | DURATION | SIZE | FLAGS | COMPOSITION_OFFSET  (§8.8.8.2)
 *  0               1               2               3
 * +---------------+-----------------------------------------------+
 * | version = 1   | tr_flags (24)                                 |
 * +---------------+-----------------------------------------------+
 * | sample_count (32)                                             |
 * | data_offset (signed 32): from the first byte of the moof      |
 * +---------------------------------------------------------------+  repeated sample_count times:
 * | sample_duration (32) | sample_size (32) | sample_flags (32) | sample_composition_time_offset (signed 32) |
 *
 * sample_flags (§8.8.3.1)
 * | reserved:4 | is_leading:2 | sample_depends_on:2 | sample_is_depended_on:2 | sample_has_redundancy:2 |
 * | sample_padding_value:3 | sample_is_non_sync_sample:1 | sample_degradation_priority:16 |
 * </pre>
 */
public final class FragmentDescriptor {

    /** tfhd: base data offset is the first byte of the enclosing moof (§8.8.7.1). */
    public static final int TFHD_DEFAULT_BASE_IS_MOOF = 0x02_0000;

    public static final int TRUN_DATA_OFFSET_PRESENT = 0x00_0001;
    public static final int TRUN_SAMPLE_DURATION_PRESENT = 0x00_0100;
    public static final int TRUN_SAMPLE_SIZE_PRESENT = 0x00_0200;
    public static final int TRUN_SAMPLE_FLAGS_PRESENT = 0x00_0400;
    public static final int TRUN_SAMPLE_COMPOSITION_OFFSET_PRESENT = 0x00_0800;
    public static final int TRUN_FLAGS = TRUN_DATA_OFFSET_PRESENT | TRUN_SAMPLE_DURATION_PRESENT
            | TRUN_SAMPLE_SIZE_PRESENT | TRUN_SAMPLE_FLAGS_PRESENT | TRUN_SAMPLE_COMPOSITION_OFFSET_PRESENT;
    /** Version 1: composition offsets are signed (§8.8.8.3), as CMAF requires. */
    public static final int TRUN_VERSION = 1;
    /** Bytes per sample record in the trun written with {@link #TRUN_FLAGS}. */
    public static final int TRUN_SAMPLE_RECORD_LENGTH = 16;

    /** sample_depends_on = 2: does not depend on others (I picture); sync. */
    public static final int SAMPLE_FLAGS_SYNC = 2 << 24;
    /** sample_depends_on = 1 and sample_is_non_sync_sample = 1. */
    public static final int SAMPLE_FLAGS_NON_SYNC = 1 << 24 | 1 << 16;

    private FragmentDescriptor() {
    }
}
