package dev.camrelay.hls.playlist;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Tag names, protocol constants and number formats of the playlists (draft-pantos-hls-rfc8216bis). */
final class PlaylistTags {

    /** EXT-X-SKIP needs version 9, and gohlslib serves 10 to LL-HLS players (RFC 8216bis §4.4.3.8, §8). */
    static final int VERSION = 10;
    /** PART-HOLD-BACK: at least 2x PART-TARGET, 3x recommended (§4.4.3.8). */
    static final double PART_HOLD_BACK_PART_TARGETS = 3.0;
    /** CAN-SKIP-UNTIL: at least 6x TARGETDURATION (§4.4.3.8). */
    static final int CAN_SKIP_UNTIL_TARGET_DURATIONS = 6;
    /** Parts older than 3x TARGETDURATION from the playlist end are left out (§4.4.4.9, §6.2.2). */
    static final int PART_WINDOW_TARGET_DURATIONS = 3;

    static final String EXTM3U = "#EXTM3U";
    static final String VERSION_TAG = "#EXT-X-VERSION:";
    static final String INDEPENDENT_SEGMENTS = "#EXT-X-INDEPENDENT-SEGMENTS";
    static final String TARGETDURATION = "#EXT-X-TARGETDURATION:";
    static final String SERVER_CONTROL = "#EXT-X-SERVER-CONTROL:";
    static final String PART_INF = "#EXT-X-PART-INF:PART-TARGET=";
    static final String MEDIA_SEQUENCE = "#EXT-X-MEDIA-SEQUENCE:";
    static final String DISCONTINUITY_SEQUENCE = "#EXT-X-DISCONTINUITY-SEQUENCE:";
    static final String SKIP = "#EXT-X-SKIP:SKIPPED-SEGMENTS=";
    static final String MAP = "#EXT-X-MAP:URI=\"";
    static final String DISCONTINUITY = "#EXT-X-DISCONTINUITY";
    static final String PROGRAM_DATE_TIME = "#EXT-X-PROGRAM-DATE-TIME:";
    static final String PART = "#EXT-X-PART:DURATION=";
    static final String EXTINF = "#EXTINF:";
    static final String PRELOAD_HINT = "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"";
    static final String RENDITION_REPORT = "#EXT-X-RENDITION-REPORT:URI=\"";
    static final String ENDLIST = "#EXT-X-ENDLIST";
    static final String STREAM_INF = "#EXT-X-STREAM-INF:";

    private static final DateTimeFormatter DATE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);
    private static final int DECIMALS = 5;
    private static final long SCALE = 100_000;

    private PlaylistTags() {
    }

    /** A decimal-floating-point (§4.2) with at most five decimals and at least one: 2.0, 0.2, 1.96667. */
    static StringBuilder decimal(StringBuilder sb, double value) {
        String text = BigDecimal.valueOf(Math.round(value * SCALE), DECIMALS).stripTrailingZeros().toPlainString();
        sb.append(text);
        return text.indexOf('.') < 0 ? sb.append(".0") : sb;
    }

    static String dateTime(Instant instant) {
        return DATE_TIME.format(instant);
    }
}
