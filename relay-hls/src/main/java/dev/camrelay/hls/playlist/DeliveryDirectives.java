package dev.camrelay.hls.playlist;

/**
 * The Playlist Delivery Directives of a media playlist request (RFC 8216bis §6.2.5): {@code _HLS_msn},
 * {@code _HLS_part} and {@code _HLS_skip}, validated against the playlist's current edge. Malformed or impossible
 * requests are a {@link #badRequest()} result with a reason, never an exception.
 *
 * @param status  {@link Status#OK} or {@link Status#BAD_REQUEST}
 * @param reason  why the request is bad ("" when OK)
 * @param msn     the Media Sequence Number to block for, or -1 for no blocking
 * @param part    the part index to block for, or -1
 * @param skip    whether a delta update was asked for ({@code YES} or {@code v2})
 */
public record DeliveryDirectives(Status status, String reason, long msn, int part, boolean skip) {

    /** Outcome of parsing. */
    public enum Status {
        OK,
        /** Answer 400 at once (§6.2.5.2). */
        BAD_REQUEST
    }

    /** What to do with a parsed blocking request now (RFC 8216bis §6.2.5.2). */
    public enum Readiness {
        /** Answer with the current playlist. */
        READY,
        /** Keep holding the request; check again when the playlist changes. */
        WAIT,
        /** Held for three target durations without the media appearing: answer 503. */
        TIMED_OUT
    }

    /** A blocking request may run ahead of the playlist by this many segments (§6.2.5.2: "plus two"). */
    public static final int MAX_MSN_AHEAD = 2;
    /** Digits accepted in a number parameter; a decimal-integer is at most 2^64-1 (§4.2). */
    private static final int MAX_DIGITS = 18;

    public boolean badRequest() {
        return status == Status.BAD_REQUEST;
    }

    public boolean blocking() {
        return msn >= 0;
    }

    /**
     * The Advance Part Limit: three divided by the part target if that is under one second, else three (§6.2.5.2).
     */
    public static int advancePartLimit(double partTargetSeconds) {
        return partTargetSeconds < 1.0 ? (int) Math.floor(3.0 / partTargetSeconds) : 3;
    }

    /** How long a blocking request may be held before answering 503: three target durations (§6.2.5.2). */
    public static long blockingTimeoutMillis(int targetDurationSeconds) {
        return 3_000L * targetDurationSeconds;
    }

    /**
     * Whether an OK request can be answered from {@code now}, must keep waiting, or has waited too long.
     *
     * @param heldMillis how long the request has been held so far
     */
    public Readiness readiness(MediaPlaylistSnapshot now, long heldMillis) {
        if (badRequest()) {
            throw new IllegalStateException("a bad request is answered 400, never held: " + reason);
        }
        if (!blocking() || now.satisfies(msn, part)) {
            return Readiness.READY;
        }
        return heldMillis >= blockingTimeoutMillis(now.targetDuration()) ? Readiness.TIMED_OUT : Readiness.WAIT;
    }

    /**
     * Parses the query parameters against the playlist's edge.
     *
     * @param msnParam  the raw {@code _HLS_msn} value or null
     * @param partParam the raw {@code _HLS_part} value or null
     * @param skipParam the raw {@code _HLS_skip} value or null
     * @param playlist  the current playlist (its last segment and part bound how far ahead a request may be)
     */
    public static DeliveryDirectives parse(String msnParam, String partParam, String skipParam,
                                           MediaPlaylistSnapshot playlist) {
        boolean skip = false;
        if (skipParam != null) {
            if (!skipParam.equals("YES") && !skipParam.equals("v2")) {
                return bad("_HLS_skip must be YES or v2, got '" + skipParam + "'");
            }
            skip = true;
        }
        if (msnParam == null) {
            return partParam == null ? new DeliveryDirectives(Status.OK, "", -1, -1, skip)
                    : bad("_HLS_part without _HLS_msn");
        }
        final long msn = parseDecimal(msnParam);
        if (msn < 0) {
            return bad("_HLS_msn is not a decimal-integer: '" + msnParam + "'");
        }
        int part = -1;
        if (partParam != null) {
            final long p = parseDecimal(partParam);
            if (p < 0 || p > Integer.MAX_VALUE) {
                return bad("_HLS_part is not a decimal-integer: '" + partParam + "'");
            }
            part = (int) p;
        }
        if (playlist.ended()) {
            // §6.2.5.2: once the playlist has EXT-X-ENDLIST, the directives are ignored.
            return new DeliveryDirectives(Status.OK, "", -1, -1, skip);
        }
        final long lastMsn = playlist.lastMsn();
        if (msn > lastMsn + MAX_MSN_AHEAD) {
            return bad("_HLS_msn=" + msn + " is more than " + MAX_MSN_AHEAD + " past the last segment " + lastMsn);
        }
        if (part >= 0) {
            // Parts ahead of the last one listed; inside a future segment counted from its first part, because
            // how many parts the current segment will get is unknown until its keyframe arrives.
            final long ahead = msn == lastMsn ? (long) part - playlist.lastPart() : (msn > lastMsn ? part + 1 : 0);
            final int limit = advancePartLimit(playlist.partTarget());
            if (ahead > limit) {
                return bad("_HLS_part=" + part + " of segment " + msn + " is beyond the Advance Part Limit of "
                        + limit + " parts");
            }
        }
        return new DeliveryDirectives(Status.OK, "", msn, part, skip);
    }

    private static DeliveryDirectives bad(String reason) {
        return new DeliveryDirectives(Status.BAD_REQUEST, reason, -1, -1, false);
    }

    /** A non-negative decimal-integer of at most {@link #MAX_DIGITS} digits, or -1. */
    private static long parseDecimal(String s) {
        if (s.isEmpty() || s.length() > MAX_DIGITS) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
