package dev.camrelay.core.codec.h264;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * H.264 byte streams (Annex B: NAL units separated by {@code 00 00 01} or {@code 00 00 00 01} start codes) and their
 * conversion to the length-prefixed form the relay stores (ISO/IEC 14496-15 "AVCC", 4-byte lengths).
 * Control-plane code (the demo loader, tests, tools): it allocates freely.
 */
public final class AnnexB {

    private AnnexB() {
    }

    /** The NAL units of an Annex-B byte stream, without start codes, trailing zero bytes dropped. */
    public static List<byte[]> split(byte[] stream) {
        List<byte[]> nals = new ArrayList<>();
        int start = -1;
        int i = 0;
        while (i + 2 < stream.length) {
            if (stream[i] == 0 && stream[i + 1] == 0 && stream[i + 2] == 1) {
                if (start >= 0) {
                    addNal(nals, stream, start, i);
                }
                i += 3;
                start = i;
            } else {
                i++;
            }
        }
        if (start >= 0) {
            addNal(nals, stream, start, stream.length);
        }
        return nals;
    }

    private static void addNal(List<byte[]> nals, byte[] stream, int from, int to) {
        int end = to;
        while (end > from && stream[end - 1] == 0) {
            end--; // the zero_byte of a 4-byte start code, or trailing_zero_8bits
        }
        if (end > from) {
            nals.add(Arrays.copyOfRange(stream, from, end));
        }
    }

    /**
     * Groups NAL units into access units (H.264 7.4.1.2.3): a new one begins at an access unit delimiter, or at an
     * SEI, SPS or PPS after a slice, or at a slice with {@code first_mb_in_slice == 0} after a slice.
     */
    public static List<List<byte[]>> accessUnits(List<byte[]> nals) {
        List<List<byte[]>> units = new ArrayList<>();
        List<byte[]> current = new ArrayList<>();
        boolean sawSlice = false;
        for (byte[] nal : nals) {
            int type = NalUnitType.of(nal[0]);
            boolean startsNew = sawSlice && (type == NalUnitType.ACCESS_UNIT_DELIMITER || type == NalUnitType.SEI
                    || type == NalUnitType.SPS || type == NalUnitType.PPS
                    || (NalUnitType.isSlice(type) && firstSliceOfPicture(nal)));
            if (startsNew) {
                units.add(current);
                current = new ArrayList<>();
                sawSlice = false;
            }
            current.add(nal);
            sawSlice |= NalUnitType.isSlice(type);
        }
        if (!current.isEmpty()) {
            units.add(current);
        }
        return units;
    }

    /** first_mb_in_slice is the first ue(v) of the slice header: 0 is coded as a single 1 bit. */
    private static boolean firstSliceOfPicture(byte[] nal) {
        return nal.length > 1 && (nal[1] & 0x80) != 0;
    }

    /** Joins NAL units into one AVCC payload: each prefixed by its length as a 4-byte big-endian integer. */
    public static byte[] toAvcc(List<byte[]> nals) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] nal : nals) {
            out.write(nal.length >>> 24);
            out.write(nal.length >>> 16);
            out.write(nal.length >>> 8);
            out.write(nal.length);
            out.writeBytes(nal);
        }
        return out.toByteArray();
    }

    /** The NAL units of an AVCC payload; a truncated or overlong length ends the list (malformed input). */
    public static List<byte[]> fromAvcc(byte[] avcc, int offset, int length) {
        List<byte[]> nals = new ArrayList<>();
        int p = offset;
        int end = offset + length;
        while (p + 4 <= end) {
            int n = ((avcc[p] & 0xff) << 24) | ((avcc[p + 1] & 0xff) << 16) | ((avcc[p + 2] & 0xff) << 8)
                    | (avcc[p + 3] & 0xff);
            p += 4;
            if (n <= 0 || n > end - p) {
                break;
            }
            nals.add(Arrays.copyOfRange(avcc, p, p + n));
            p += n;
        }
        return nals;
    }
}
