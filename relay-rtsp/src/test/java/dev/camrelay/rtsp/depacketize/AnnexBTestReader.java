package dev.camrelay.rtsp.depacketize;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Test-side reader: splits an H.264 Annex-B stream into access units (H.264 §7.4.1.2.3), each a list of NALs. */
final class AnnexBTestReader {

    private AnnexBTestReader() {
    }

    static List<byte[]> nalUnits(byte[] stream) {
        List<byte[]> nals = new ArrayList<>();
        int i = 0;
        int start = -1;
        while (i + 2 < stream.length) {
            if (stream[i] == 0 && stream[i + 1] == 0 && stream[i + 2] == 1) {
                if (start >= 0) {
                    nals.add(trim(stream, start, i));
                }
                i += 3;
                start = i;
            } else {
                i++;
            }
        }
        if (start >= 0) {
            nals.add(trim(stream, start, stream.length));
        }
        return nals;
    }

    private static byte[] trim(byte[] s, int from, int to) {
        while (to > from && s[to - 1] == 0) {
            to--;
        }
        return Arrays.copyOfRange(s, from, to);
    }

    static List<List<byte[]>> accessUnits(byte[] stream) {
        List<List<byte[]>> units = new ArrayList<>();
        List<byte[]> current = new ArrayList<>();
        boolean seenVcl = false;
        for (byte[] nal : nalUnits(stream)) {
            int type = nal[0] & 0x1F;
            boolean vcl = type >= 1 && type <= 5;
            boolean firstSliceOfPicture = vcl && nal.length > 1 && (nal[1] & 0x80) != 0; // first_mb_in_slice == 0
            boolean startsUnit = (type == 6 || type == 7 || type == 8 || type == 9 || (type >= 14 && type <= 18))
                    || firstSliceOfPicture;
            if (seenVcl && startsUnit) {
                units.add(current);
                current = new ArrayList<>();
                seenVcl = false;
            }
            current.add(nal);
            seenVcl |= vcl;
        }
        if (!current.isEmpty()) {
            units.add(current);
        }
        return units;
    }
}
