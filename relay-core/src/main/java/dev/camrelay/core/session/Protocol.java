package dev.camrelay.core.session;

import java.util.Locale;

/** The egress protocol a viewer session was created for. */
public enum Protocol {
    HLS,
    WEBRTC,
    RTSP;

    /** Parses {@code hls}, {@code webrtc} or {@code rtsp} (any case). */
    public static Protocol parse(String value) {
        try {
            return valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("unknown protocol: " + value, e);
        }
    }
}
