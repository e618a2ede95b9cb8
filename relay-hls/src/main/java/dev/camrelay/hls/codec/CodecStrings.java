package dev.camrelay.hls.codec;

import dev.camrelay.core.media.StreamFormat;
import dev.camrelay.core.media.TrackFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * RFC 6381 {@code codecs} parameter values for the {@code CODECS} attribute of {@code EXT-X-STREAM-INF}
 * (RFC 8216bis §4.4.6.2), derived from the parameter sets themselves rather than from operator-facing labels.
 */
public final class CodecStrings {

    /** AAC object type used when the AudioSpecificConfig is missing: AAC-LC (ISO/IEC 14496-3 §1.5.1.1). */
    private static final int DEFAULT_AAC_OBJECT_TYPE = 2;
    private static final int AAC_ESCAPE_OBJECT_TYPE = 31;

    private CodecStrings() {
    }

    /** Comma-separated codec strings of every track HLS can carry, video first. */
    public static String of(StreamFormat format) {
        List<String> out = new ArrayList<>();
        format.tracks().stream().filter(t -> t.codec().isVideo()).map(CodecStrings::of).forEach(out::add);
        format.tracks().stream().filter(t -> !t.codec().isVideo()).map(CodecStrings::of).forEach(out::add);
        out.removeIf(String::isEmpty);
        return String.join(",", out);
    }

    /** The codec string of one track, or "" for a codec HLS does not carry (G.711). */
    public static String of(TrackFormat track) {
        return switch (track.codec()) {
            case H264 -> avc1(track.parameterSets().get(0));
            case H265 -> hvc1(HevcSpsInfo.parse(track.parameterSets().get(1)));
            case AAC -> "mp4a.40." + aacObjectType(track.parameterSets());
            case OPUS -> "opus";
            default -> "";
        };
    }

    /** {@code avc1.PPCCLL}: profile_idc, constraint flags and level_idc, bytes 1 to 3 of the SPS (RFC 6381 §3.3). */
    public static String avc1(byte[] sps) {
        if (sps.length < 4) {
            throw new IllegalArgumentException("SPS too short: " + sps.length + " bytes");
        }
        return String.format(Locale.ROOT, "avc1.%02x%02x%02x", sps[1] & 0xFF, sps[2] & 0xFF, sps[3] & 0xFF);
    }

    /**
     * {@code hvc1.[A-C]?profile.compat.(L|H)level(.constraint)*} (ISO/IEC 14496-15 Annex E.3): the compatibility
     * flags in reverse bit order as hex, constraint bytes with trailing zero bytes left out.
     */
    public static String hvc1(HevcSpsInfo sps) {
        StringBuilder sb = new StringBuilder("hvc1.");
        if (sps.profileSpace() > 0) {
            sb.append((char) ('A' + sps.profileSpace() - 1));
        }
        sb.append(sps.profileIdc()).append('.');
        sb.append(Integer.toHexString(Integer.reverse(sps.compatibilityFlags())).toUpperCase(Locale.ROOT));
        sb.append('.').append(sps.tierFlag() ? 'H' : 'L').append(sps.levelIdc());
        byte[] constraints = new byte[6];
        for (int i = 0; i < 6; i++) {
            constraints[i] = (byte) (sps.constraintFlags() >>> (40 - 8 * i));
        }
        int last = 5;
        while (last >= 0 && constraints[last] == 0) {
            last--;
        }
        for (int i = 0; i <= last; i++) {
            sb.append('.').append(Integer.toHexString(constraints[i] & 0xFF).toUpperCase(Locale.ROOT));
        }
        return sb.toString();
    }

    private static int aacObjectType(List<byte[]> config) {
        if (config.isEmpty() || config.get(0).length < 2) {
            return DEFAULT_AAC_OBJECT_TYPE;
        }
        byte[] asc = config.get(0);
        int type = (asc[0] & 0xFF) >>> 3;
        if (type == AAC_ESCAPE_OBJECT_TYPE) {
            type = 32 + (((asc[0] & 0x07) << 3) | ((asc[1] & 0xFF) >>> 5));
        }
        return type;
    }
}
