package dev.camrelay.core.codec.aac;

import dev.camrelay.core.codec.h264.BitReader;
import java.util.Optional;

/**
 * The facts of an MPEG-4 AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1) for the AAC family the relay carries:
 * object type, sample rate, channels, frame length, explicit SBR/PS signalling (HE-AAC v1/v2), and how many bits
 * the config takes, which is what a LATM StreamMuxConfig (audioMuxVersion 0) needs to find where it ends.
 *
 * <p>Threading: an immutable value; the parse methods are stateless.
 *
 * @param objectType       audioObjectType of the core coder (2 AAC LC, 1 Main, 4 LTP, ...)
 * @param sampleRate       the core sampling frequency
 * @param outputSampleRate the rate after SBR (twice the core for HE-AAC), else {@code sampleRate}
 * @param channels         channelConfiguration (1..7; 7 means 8 channels: 7.1)
 * @param frameLength      samples per frame of the core coder: 1024, or 960 with frameLengthFlag
 * @param sbr              SBR: explicit (object type 5 or 29) or signalled by the sync extension
 * @param bitLength        bits of the config as parsed
 */
public record AudioSpecificConfig(int objectType, int sampleRate, int outputSampleRate, int channels,
                                  int frameLength, boolean sbr, int bitLength) {

    /** Table 1.16 samplingFrequencyIndex; index 15 means an explicit 24-bit frequency. */
    private static final int[] SAMPLE_RATES = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000,
        12000, 11025, 8000, 7350};
    private static final int ESCAPE_FREQUENCY_INDEX = 15;
    private static final int ESCAPE_OBJECT_TYPE = 31;
    private static final int SBR = 5;
    private static final int PS = 29;
    private static final int ER_BSAC = 22;

    /** Samples per channel of one frame at the output rate (twice the core's with SBR). */
    public int outputFrameLength() {
        return sbr ? 2 * frameLength : frameLength;
    }

    /** Parses a whole config (the bytes of an RFC 3640 {@code config}); empty if it is not AAC the relay reads. */
    public static Optional<AudioSpecificConfig> parse(byte[] config) {
        return parse(config, 0);
    }

    /** Parses a config that starts {@code startBit} bits into {@code data} (inside a StreamMuxConfig). */
    public static Optional<AudioSpecificConfig> parse(byte[] data, int startBit) {
        try {
            BitReader r = new BitReader(data, 0);
            skip(r, startBit);
            return Optional.ofNullable(read(data, r, startBit));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static void skip(BitReader r, int bits) {
        for (int left = bits; left > 0; left -= Math.min(left, 24)) {
            r.u(Math.min(left, 24));
        }
    }

    /** §1.6.2.1: a backward-compatible extension after the config that signals SBR (and PS) implicitly. */
    private static final int SYNC_EXTENSION_SBR = 0x2b7;
    private static final int SYNC_EXTENSION_PS = 0x548;
    private static final int SYNC_EXTENSION_BITS = 11;

    /** The next {@code n} bits of {@code data} at bit {@code at}, or -1 past its end; reads nothing. */
    private static int peek(byte[] data, int at, int n) {
        if (at + n > data.length * 8) {
            return -1;
        }
        BitReader p = new BitReader(data, 0);
        skip(p, at);
        return p.u(n);
    }

    private static AudioSpecificConfig read(byte[] data, BitReader r, int startBit) {
        int objectType = objectType(r);
        int sampleRate = frequency(r);
        int channels = r.u(4);
        int outputRate = sampleRate;
        boolean sbr = false;
        if (objectType == SBR || objectType == PS) {
            sbr = true;
            outputRate = frequency(r); // extensionSamplingFrequencyIndex
            objectType = objectType(r);
            if (objectType == ER_BSAC) {
                r.u(4); // extensionChannelConfiguration
            }
        }
        if (!gaSpecific(objectType) || channels == 0 || sampleRate <= 0 || outputRate <= 0) {
            return null; // not AAC, or a program_config_element (channelConfiguration 0): not read here
        }
        // GASpecificConfig, §4.4.1
        boolean frameLength960 = r.flag();
        if (r.flag()) { // dependsOnCoreCoder
            r.u(14); // coreCoderDelay
        }
        boolean extension = r.flag();
        if (objectType == 6 || objectType == 20) {
            r.u(3); // layerNr
        }
        if (extension) {
            if (objectType == ER_BSAC) {
                r.u(16); // numOfSubFrame, layer_length
            }
            if (objectType == 17 || objectType == 19 || objectType == 20 || objectType == 23) {
                r.u(3); // the three resilience flags
            }
            r.u(1); // extensionFlag3
        }
        if (objectType >= 17 && objectType <= 27 && r.u(2) > 1) { // epConfig
            return null; // ErrorProtectionSpecificConfig: not read here
        }
        // FFmpeg writes the implicit signalling (1188 56e500: "no SBR"); GStreamer copies it into a LATM config.
        if (!sbr && peek(data, r.position(), SYNC_EXTENSION_BITS) == SYNC_EXTENSION_SBR) {
            r.u(SYNC_EXTENSION_BITS);
            if (objectType(r) == SBR && r.flag()) { // extensionAudioObjectType, sbrPresentFlag
                sbr = true;
                outputRate = frequency(r);
                if (peek(data, r.position(), SYNC_EXTENSION_BITS) == SYNC_EXTENSION_PS) {
                    r.u(SYNC_EXTENSION_BITS);
                    r.u(1); // psPresentFlag
                }
            }
        }
        return new AudioSpecificConfig(objectType, sampleRate, outputRate, channels, frameLength960 ? 960 : 1024,
                sbr, r.position() - startBit);
    }

    /** Object types whose config is a GASpecificConfig (§1.6.2.1 Table 1.15: AAC and its ER variants). */
    private static boolean gaSpecific(int objectType) {
        return switch (objectType) {
            case 1, 2, 3, 4, 6, 7, 17, 19, 20, 21, 22, 23 -> true;
            default -> false;
        };
    }

    private static int objectType(BitReader r) {
        int t = r.u(5);
        return t == ESCAPE_OBJECT_TYPE ? 32 + r.u(6) : t;
    }

    private static int frequency(BitReader r) {
        int index = r.u(4);
        if (index == ESCAPE_FREQUENCY_INDEX) {
            return r.u(24);
        }
        return index < SAMPLE_RATES.length ? SAMPLE_RATES[index] : -1;
    }

    /** The {@code bitLength} bits at {@code startBit} of {@code data} as bytes, zero-padded to a whole byte. */
    public static byte[] copyBits(byte[] data, int startBit, int bitLength) {
        byte[] out = new byte[(bitLength + 7) / 8];
        for (int i = 0; i < bitLength; i++) {
            int from = startBit + i;
            if (((data[from >>> 3] >>> (7 - (from & 7))) & 1) != 0) {
                out[i >>> 3] |= (byte) (0x80 >>> (i & 7));
            }
        }
        return out;
    }
}
