package dev.camrelay.core.codec.h264;

import java.io.ByteArrayOutputStream;

/**
 * Raw byte sequence payloads: the bytes of a NAL unit with the emulation-prevention bytes (the {@code 03} of
 * {@code 00 00 03}, H.264 7.4.1) removed, and the reverse for writing.
 */
public final class Rbsp {

    private Rbsp() {
    }

    /** The RBSP of {@code nal[offset, offset + length)}. */
    public static byte[] unescape(byte[] nal, int offset, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(length);
        int zeros = 0;
        for (int i = offset; i < offset + length; i++) {
            int b = nal[i] & 0xff;
            if (zeros >= 2 && b == 3) {
                zeros = 0;
                continue;
            }
            out.write(b);
            zeros = b == 0 ? zeros + 1 : 0;
        }
        return out.toByteArray();
    }

    /** Inserts emulation-prevention bytes so that no {@code 00 00 0x} with x <= 3 appears in the NAL unit. */
    public static byte[] escape(byte[] rbsp) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(rbsp.length + 8);
        int zeros = 0;
        for (byte value : rbsp) {
            int b = value & 0xff;
            if (zeros >= 2 && b <= 3) {
                out.write(3);
                zeros = 0;
            }
            out.write(b);
            zeros = b == 0 ? zeros + 1 : 0;
        }
        return out.toByteArray();
    }
}
