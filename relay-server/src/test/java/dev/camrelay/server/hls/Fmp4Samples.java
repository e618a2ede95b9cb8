package dev.camrelay.server.hls;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the samples out of fMP4 fragments (moof + mdat, ISO/IEC 14496-12 §8.8) as a player would, to check each
 * access unit's provenance: walks moof/traf/tfhd/trun, and takes each sample's bytes at the trun's data offset
 * (relative to the moof: default-base-is-moof).
 */
final class Fmp4Samples {

    private Fmp4Samples() {
    }

    /** Every sample of {@code trackId} in {@code data} (one or more fragments back to back), in order. */
    static List<byte[]> samples(byte[] data, int trackId) {
        List<byte[]> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(data);
        int at = 0;
        while (at + 8 <= data.length) {
            int size = b.getInt(at);
            String type = type(data, at + 4);
            if (size < 8 || at + size > data.length) {
                throw new AssertionError("bad box " + type + " size " + size + " at " + at);
            }
            if (type.equals("moof")) {
                moof(b, at, size, trackId, out);
            }
            at += size;
        }
        if (at != data.length) {
            throw new AssertionError("trailing bytes after the last box");
        }
        return out;
    }

    private static void moof(ByteBuffer b, int moofStart, int moofSize, int trackId, List<byte[]> out) {
        int at = moofStart + 8;
        while (at < moofStart + moofSize) {
            int size = b.getInt(at);
            if (type(b.array(), at + 4).equals("traf")) {
                traf(b, moofStart, at, size, trackId, out);
            }
            at += size;
        }
    }

    private static void traf(ByteBuffer b, int moofStart, int trafStart, int trafSize, int trackId,
                             List<byte[]> out) {
        int at = trafStart + 8;
        int track = -1;
        while (at < trafStart + trafSize) {
            int size = b.getInt(at);
            String type = type(b.array(), at + 4);
            if (type.equals("tfhd")) {
                track = b.getInt(at + 12);
            } else if (type.equals("trun") && track == trackId) {
                trun(b, moofStart, at, out);
            }
            at += size;
        }
    }

    private static void trun(ByteBuffer b, int moofStart, int at, List<byte[]> out) {
        int flags = b.getInt(at + 8) & 0xFFFFFF;
        int count = b.getInt(at + 12);
        int p = at + 16;
        int dataOffset = 0;
        if ((flags & 0x1) != 0) {
            dataOffset = b.getInt(p);
            p += 4;
        }
        if ((flags & 0x4) != 0) {
            p += 4;
        }
        int offset = moofStart + dataOffset;
        for (int i = 0; i < count; i++) {
            if ((flags & 0x100) != 0) {
                p += 4;
            }
            if ((flags & 0x200) == 0) {
                throw new AssertionError("trun without sample sizes");
            }
            int sampleSize = b.getInt(p);
            p += 4;
            if ((flags & 0x400) != 0) {
                p += 4;
            }
            if ((flags & 0x800) != 0) {
                p += 4;
            }
            byte[] sample = new byte[sampleSize];
            System.arraycopy(b.array(), offset, sample, 0, sampleSize);
            out.add(sample);
            offset += sampleSize;
        }
    }

    private static String type(byte[] data, int at) {
        return new String(data, at, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
