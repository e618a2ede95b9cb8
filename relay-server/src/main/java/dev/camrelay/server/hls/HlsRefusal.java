package dev.camrelay.server.hls;

import java.util.Locale;

/** Why an HLS request was refused with 403 and no media byte (contract.md, LL-HLS); counted per reason. */
public enum HlsRefusal {
    /** The {@code sid} is not (or no longer) a playback of this relay. */
    UNKNOWN_SID("the HLS session id is unknown or has ended; load the multivariant playlist again with a token"),
    /** The playback's viewer session was revoked or has expired. */
    SESSION_ENDED("the viewer session has been revoked or has expired; ask for a new session"),
    /** The playback, its session and the stream do not all name the same camera. */
    CAMERA_MISMATCH("this HLS session belongs to another camera"),
    /** The name carries an epoch other than the one the playback is bound to. */
    STALE_EPOCH("this media belongs to another stream epoch of the camera; reload the media playlist"),
    /** A valid token of this relay whose session is not listed (ended long ago, or issued by another node). */
    NO_SESSION("the token's viewer session is not known to this relay; ask for a new session");

    private final String message;

    HlsRefusal(String message) {
        this.message = message;
    }

    public String message() {
        return message;
    }

    public String code() {
        return "hls_" + name().toLowerCase(Locale.ROOT);
    }
}
