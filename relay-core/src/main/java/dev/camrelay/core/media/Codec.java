package dev.camrelay.core.media;

/** Codecs the relay carries. The ordinal is never stored in buffers; {@link #id()} is. */
public enum Codec {
    H264(1, true, 90_000, "avc1"),
    H265(2, true, 90_000, "hvc1"),
    AAC(3, false, 0, "mp4a"),
    OPUS(4, false, 48_000, "opus"),
    PCMU(5, false, 8_000, "pcmu"),
    PCMA(6, false, 8_000, "pcma");

    private final int id;
    private final boolean video;
    private final int defaultClockRate;
    private final String shortName;

    Codec(int id, boolean video, int defaultClockRate, String shortName) {
        this.id = id;
        this.video = video;
        this.defaultClockRate = defaultClockRate;
        this.shortName = shortName;
    }

    public int id() {
        return id;
    }

    public boolean isVideo() {
        return video;
    }

    /** RTP clock rate used when the SDP does not say (0: must come from the SDP/config). */
    public int defaultClockRate() {
        return defaultClockRate;
    }

    public String shortName() {
        return shortName;
    }
}
