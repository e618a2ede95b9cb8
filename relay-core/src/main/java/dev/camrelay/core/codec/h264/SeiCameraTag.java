package dev.camrelay.core.codec.h264;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The test rig's camera tag (test-rig.md): an SEI NAL unit with a user_data_unregistered message (payload type 5,
 * H.264 D.1.7) whose UUID is {@link #UUID} and whose remaining bytes name the camera, e.g. {@code CAMERA-A}. FFmpeg's
 * {@code h264_metadata=sei_user_data=UUID+TAG} writes it; tests read it back from every access unit on every egress
 * path to prove which camera each frame came from.
 */
public final class SeiCameraTag {

    /** 086f3693-b7b3-4f2c-9653-21492feee5b8, the UUID test-rig.md gives. */
    public static final byte[] UUID = {
        0x08, 0x6f, 0x36, (byte) 0x93, (byte) 0xb7, (byte) 0xb3, 0x4f, 0x2c,
        (byte) 0x96, 0x53, 0x21, 0x49, 0x2f, (byte) 0xee, (byte) 0xe5, (byte) 0xb8};
    /** The UUID as FFmpeg's {@code sei_user_data} option spells it. */
    public static final String UUID_TEXT = "086f3693-b7b3-4f2c-9653-21492feee5b8";

    private static final int USER_DATA_UNREGISTERED = 5;

    private SeiCameraTag() {
    }

    /** The tag of the first tagged SEI among {@code nals}, if any. */
    public static Optional<String> find(List<byte[]> nals) {
        for (byte[] nal : nals) {
            if (nal.length > 0 && NalUnitType.of(nal[0]) == NalUnitType.SEI) {
                Optional<String> tag = fromSei(nal);
                if (tag.isPresent()) {
                    return tag;
                }
            }
        }
        return Optional.empty();
    }

    /** The tag of an AVCC access unit (4-byte length prefixes), if it carries one. */
    public static Optional<String> findInAvcc(byte[] avcc) {
        return find(AnnexB.fromAvcc(avcc, 0, avcc.length));
    }

    /** Reads the SEI messages of one SEI NAL unit (H.264 7.3.2.3) and returns the tag of a tagged one. */
    static Optional<String> fromSei(byte[] nal) {
        byte[] rbsp = Rbsp.unescape(nal, 1, nal.length - 1);
        int p = 0;
        while (p < rbsp.length - 1) { // the last byte holds rbsp_trailing_bits
            int type = 0;
            while (p < rbsp.length && (rbsp[p] & 0xff) == 0xff) {
                type += 255;
                p++;
            }
            if (p >= rbsp.length) {
                return Optional.empty();
            }
            type += rbsp[p++] & 0xff;
            int size = 0;
            while (p < rbsp.length && (rbsp[p] & 0xff) == 0xff) {
                size += 255;
                p++;
            }
            if (p >= rbsp.length) {
                return Optional.empty();
            }
            size += rbsp[p++] & 0xff;
            if (size > rbsp.length - p) {
                return Optional.empty();
            }
            if (type == USER_DATA_UNREGISTERED && size >= UUID.length && startsWithUuid(rbsp, p)) {
                return Optional.of(new String(rbsp, p + UUID.length, size - UUID.length, StandardCharsets.UTF_8)
                        .replace("\0", ""));
            }
            p += size;
        }
        return Optional.empty();
    }

    private static boolean startsWithUuid(byte[] b, int at) {
        for (int i = 0; i < UUID.length; i++) {
            if (b[at + i] != UUID[i]) {
                return false;
            }
        }
        return true;
    }

    /** Builds a tagged SEI NAL unit (for tests and tools that make their own tagged streams). */
    public static byte[] buildSei(String tag) {
        byte[] text = tag.getBytes(StandardCharsets.UTF_8);
        int size = UUID.length + text.length;
        if (size >= 255) {
            throw new IllegalArgumentException("tag too long");
        }
        byte[] rbsp = new byte[2 + size + 1];
        rbsp[0] = USER_DATA_UNREGISTERED;
        rbsp[1] = (byte) size;
        System.arraycopy(UUID, 0, rbsp, 2, UUID.length);
        System.arraycopy(text, 0, rbsp, 2 + UUID.length, text.length);
        rbsp[rbsp.length - 1] = (byte) 0x80;
        byte[] escaped = Rbsp.escape(rbsp);
        byte[] nal = new byte[escaped.length + 1];
        nal[0] = NalUnitType.SEI;
        System.arraycopy(escaped, 0, nal, 1, escaped.length);
        return nal;
    }
}
