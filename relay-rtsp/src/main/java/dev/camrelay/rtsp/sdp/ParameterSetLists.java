package dev.camrelay.rtsp.sdp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Decodes comma-separated base64 parameter sets, splitting any Annex-B start codes inside (protocols.md 3.2). */
final class ParameterSetLists {

    private ParameterSetLists() {
    }

    /** Decoded NAL units; invalid base64 entries are left out. */
    static List<byte[]> decode(String value) {
        List<byte[]> nals = new ArrayList<>();
        if (value == null) {
            return nals;
        }
        for (String part : value.split(",")) {
            byte[] b = Base64Lenient.decode(part);
            if (b != null && b.length > 0) {
                splitAnnexB(b, nals);
            }
        }
        return nals;
    }

    private static void splitAnnexB(byte[] b, List<byte[]> out) {
        int start = 0;
        int i = 0;
        boolean sawStartCode = false;
        while (i + 2 < b.length) {
            if (b[i] == 0 && b[i + 1] == 0 && b[i + 2] == 1) {
                add(b, start, i, out);
                i += 3;
                start = i;
                sawStartCode = true;
            } else {
                i++;
            }
        }
        if (!sawStartCode) {
            out.add(b);
        } else {
            add(b, start, b.length, out);
        }
    }

    private static void add(byte[] b, int from, int to, List<byte[]> out) {
        while (to > from && b[to - 1] == 0) {
            to--;
        }
        if (to > from) {
            out.add(Arrays.copyOfRange(b, from, to));
        }
    }
}
