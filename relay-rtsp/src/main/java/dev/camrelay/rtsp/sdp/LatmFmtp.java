package dev.camrelay.rtsp.sdp;

import dev.camrelay.core.codec.aac.AudioSpecificConfig;
import dev.camrelay.core.codec.h264.BitReader;
import java.util.Arrays;

/**
 * MPEG-4 audio in LATM (RFC 6416 §7.3, formerly RFC 3016 §5.3: {@code a=rtpmap:96 MP4A-LATM/48000/2},
 * {@code a=fmtp:96 cpresent=0;config=<StreamMuxConfig hex>}), as GStreamer's {@code rtpmp4apay} (and so
 * {@code rtspclientsink}) and some cameras send AAC. Only the out-of-band form is read ({@code cpresent=0}; the
 * default is 1, RFC 6416 §7.3), with the StreamMuxConfig (ISO/IEC 14496-3 §1.7.3.1) most senders write: one
 * program of one layer, all streams with the same time framing, frameLengthType 0 (byte lengths in
 * PayloadLengthInfo). The AudioSpecificConfig inside it is copied out byte-aligned: it is what the track format
 * and the HLS {@code esds} carry.
 *
 * <p>GStreamer 1.22's config stops right after the AudioSpecificConfig ({@code 40002320}: no frameLengthType,
 * buffer fullness, otherData or CRC fields); what is absent is taken as 0, which is what it means there.
 *
 * @param config            the AudioSpecificConfig, byte-aligned
 * @param asc               its facts
 * @param subFrames         AAC frames per AudioMuxElement (numSubFrames + 1)
 * @param otherDataPresent  the AudioMuxElement ends with other data (skipped)
 */
public record LatmFmtp(byte[] config, AudioSpecificConfig asc, int subFrames, boolean otherDataPresent) {

    /** numSubFrames is 6 bits (§1.7.3.1), so at most 64 frames per AudioMuxElement. */
    public static final int MAX_SUB_FRAMES = 64;

    /** Parses the fmtp; null (the caller skips the track, with a log line) if the relay cannot read it. */
    public static LatmFmtp of(MediaDescription media) {
        String cpresent = media.fmtp("cpresent");
        byte[] config = media.fmtp("config") == null ? null : Base64Lenient.hex(media.fmtp("config"));
        if (cpresent == null || !cpresent.strip().equals("0") || config == null || config.length < 3) {
            return null; // in-band StreamMuxConfig (cpresent=1) is not read
        }
        try {
            return parse(config);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A StreamMuxConfig; null if it is not the form described above. */
    static LatmFmtp parse(byte[] smc) {
        BitReader r = new BitReader(smc, 0);
        int audioMuxVersion = r.u(1);
        if (audioMuxVersion == 1 && r.u(1) == 1) { // audioMuxVersionA: reserved
            return null;
        }
        if (audioMuxVersion == 1) {
            latmValue(r); // taraBufferFullness
        }
        boolean sameTimeFraming = r.flag();
        int subFrames = r.u(6) + 1;
        int programs = r.u(4) + 1;
        int layers = r.u(3) + 1;
        if (!sameTimeFraming || programs != 1 || layers != 1) {
            return null;
        }
        int ascStart = r.position();
        int ascLength = audioMuxVersion == 1 ? latmValue(r) : -1; // ascLen in bits: the config and its fill bits
        if (ascLength >= 0) {
            ascStart = r.position();
        }
        AudioSpecificConfig asc = AudioSpecificConfig.parse(smc, ascStart).orElse(null);
        if (asc == null) {
            return null;
        }
        int ascBits = ascLength >= 0 ? ascLength : asc.bitLength();
        byte[] config = AudioSpecificConfig.copyBits(smc, ascStart, asc.bitLength());
        int pos = ascStart + ascBits;
        int left = smc.length * 8 - pos;
        boolean otherData = false;
        if (left >= 3) {
            r = new BitReader(smc, 0);
            skip(r, pos);
            if (r.u(3) != 0) { // frameLengthType: only 0, byte lengths in PayloadLengthInfo
                return null;
            }
            left -= 3;
            if (left >= 8) {
                r.u(8); // latmBufferFullness
                left -= 8;
            }
            otherData = left >= 1 && r.flag(); // the rest (otherDataLenBits, CRC) is not needed
        }
        return new LatmFmtp(config, asc, subFrames, otherData);
    }

    /** LatmGetValue() of §1.7.3.1: 2 bits of byte count, then that many bytes plus one. */
    private static int latmValue(BitReader r) {
        int bytes = r.u(2) + 1;
        int v = 0;
        for (int i = 0; i < bytes; i++) {
            v = (v << 8) | r.u(8);
        }
        return v;
    }

    private static void skip(BitReader r, int bits) {
        for (int left = bits; left > 0; left -= Math.min(left, 24)) {
            r.u(Math.min(left, 24));
        }
    }

    /** RTP timestamp ticks of one AAC frame at {@code clockRate} (RFC 6416 §7.3: the clock is the rtpmap rate). */
    public int ticksPerFrame(int clockRate) {
        return (int) ((long) asc.outputFrameLength() * clockRate / asc.outputSampleRate());
    }

    @Override
    public byte[] config() {
        return config.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LatmFmtp l && Arrays.equals(l.config, config) && l.subFrames == subFrames
                && l.otherDataPresent == otherDataPresent;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(config) * 31 + subFrames;
    }

    @Override
    public String toString() {
        return "LatmFmtp[" + asc + ", subFrames=" + subFrames + ", otherData=" + otherDataPresent + "]";
    }
}
