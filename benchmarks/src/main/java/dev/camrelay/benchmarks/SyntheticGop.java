package dev.camrelay.benchmarks;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One GOP of synthetic H.264 access units in the relay's AVCC form: an IDR (with SPS and PPS in-band) of
 * {@code idrSize} bytes and P-frames of {@code frameSize} bytes, with random slice data (no start-code emulation
 * matters here: the relay never parses slice data). About what a 2 Mbit/s 720p camera at 25 fps sends.
 */
final class SyntheticGop {

    static final byte[] SPS = {0x67, 0x42, (byte) 0xc0, 0x1f, (byte) 0xda, 0x01, 0x40, 0x16, (byte) 0xe8};
    static final byte[] PPS = {0x68, (byte) 0xce, 0x3c, (byte) 0x80};

    private SyntheticGop() {
    }

    static List<UnsafeBuffer> accessUnits(int frames, int idrSize, int frameSize, long seed) {
        Random random = new Random(seed);
        List<UnsafeBuffer> out = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            boolean idr = i == 0;
            byte[] slice = new byte[idr ? idrSize : frameSize];
            random.nextBytes(slice);
            slice[0] = (byte) (idr ? 0x65 : 0x41);
            slice[1] = (byte) 0x88; // first_mb_in_slice = 0
            int length = idr ? 3 * 4 + SPS.length + PPS.length + slice.length : 4 + slice.length;
            UnsafeBuffer au = new UnsafeBuffer(new byte[length]);
            int at = 0;
            if (idr) {
                at = put(au, at, SPS);
                at = put(au, at, PPS);
            }
            put(au, at, slice);
            out.add(au);
        }
        return out;
    }

    private static int put(UnsafeBuffer au, int at, byte[] nal) {
        au.putInt(at, nal.length, ByteOrder.BIG_ENDIAN);
        au.putBytes(at + 4, nal);
        return at + 4 + nal.length;
    }
}
