package dev.camrelay.rtsp.sdp;

import java.util.Arrays;

/**
 * MPEG-4 AAC in RFC 3640 AAC-hbr mode (§3.3.6): {@code streamtype=5; mode=AAC-hbr; config=<AudioSpecificConfig
 * hex>; sizelength=13; indexlength=3; indexdeltalength=3}. Sample rate, channels and frame length come from the
 * AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1).
 *
 * @param config           the AudioSpecificConfig bytes
 * @param sizeLength       bits of AU-size in each AU header
 * @param indexLength      bits of AU-Index in the first AU header
 * @param indexDeltaLength bits of AU-Index-delta in the following AU headers
 * @param sampleRate       from the config
 * @param channels         from the config (channelConfiguration)
 * @param samplesPerFrame  1024, or 960 when the config's frameLengthFlag is set
 */
public record AacFmtp(byte[] config, int sizeLength, int indexLength, int indexDeltaLength, int sampleRate,
                      int channels, int samplesPerFrame) {

    /** ISO/IEC 14496-3 Table 1.16 samplingFrequencyIndex. */
    private static final int[] SAMPLE_RATES = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000,
        12000, 11025, 8000, 7350};

    /** Parses the fmtp; null (the caller skips the track) if it is not usable AAC-hbr. */
    public static AacFmtp of(MediaDescription media) {
        String mode = media.fmtp("mode");
        String configHex = media.fmtp("config");
        if (configHex == null || (mode != null && !mode.equalsIgnoreCase("AAC-hbr"))) {
            return null;
        }
        byte[] config = Base64Lenient.hex(configHex);
        if (config == null || config.length < 2) {
            return null;
        }
        int sizeLength = intParam(media, "sizelength", 13);
        int indexLength = intParam(media, "indexlength", 3);
        int indexDeltaLength = intParam(media, "indexdeltalength", 3);
        if (sizeLength <= 0 || sizeLength > 16 || indexLength < 0 || indexLength > 8 || indexDeltaLength < 0
                || indexDeltaLength > 8) {
            return null;
        }
        // AudioSpecificConfig: audioObjectType(5) [escape 6], samplingFrequencyIndex(4) [explicit 24],
        // channelConfiguration(4), then GASpecificConfig's frameLengthFlag(1).
        long bits = 0;
        for (int i = 0; i < Math.min(config.length, 7); i++) {
            bits |= (config[i] & 0xFFL) << (56 - 8 * i);
        }
        int pos = 0;
        int objectType = (int) (bits >>> (64 - 5));
        pos += 5;
        if (objectType == 31) {
            pos += 6;
        }
        int freqIndex = (int) (bits >>> (64 - pos - 4)) & 0xF;
        pos += 4;
        int sampleRate;
        if (freqIndex == 15) {
            sampleRate = (int) (bits >>> (64 - pos - 24)) & 0xFFFFFF;
            pos += 24;
        } else if (freqIndex < SAMPLE_RATES.length) {
            sampleRate = SAMPLE_RATES[freqIndex];
        } else {
            return null;
        }
        int channels = (int) (bits >>> (64 - pos - 4)) & 0xF;
        pos += 4;
        boolean frameLength960 = ((bits >>> (64 - pos - 1)) & 1) != 0;
        return new AacFmtp(config, sizeLength, indexLength, indexDeltaLength, sampleRate, channels,
                frameLength960 ? 960 : 1024);
    }

    private static int intParam(MediaDescription media, String name, int dflt) {
        String v = media.fmtp(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public byte[] config() {
        return config.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AacFmtp a && Arrays.equals(a.config, config) && a.sizeLength == sizeLength
                && a.indexLength == indexLength && a.indexDeltaLength == indexDeltaLength;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(config);
    }

    @Override
    public String toString() {
        return "AacFmtp[rate=" + sampleRate + ", channels=" + channels + ", sizeLength=" + sizeLength + "]";
    }
}
