package dev.camrelay.hls.playlist;

/**
 * The last path element of a request under {@code /hls/s/{sid}/{rendition}/}, parsed back from the names
 * {@link HlsUris} gives out. Anything else is {@link Kind#UNKNOWN} (answered 404, RFC 8216bis §6.2.6), never an
 * exception: request paths are untrusted input.
 *
 * @param kind   what the name denotes
 * @param epoch  stream epoch in the name (init, part, segment), else 0
 * @param number the segment's Media Sequence Number, or the part's stream-wide number, else -1
 */
public record MediaResource(Kind kind, long epoch, long number) {

    /** What a name denotes. */
    public enum Kind {
        MEDIA_PLAYLIST,
        INIT,
        PART,
        SEGMENT,
        UNKNOWN
    }

    public static final MediaResource UNKNOWN = new MediaResource(Kind.UNKNOWN, 0, -1);
    private static final MediaResource PLAYLIST = new MediaResource(Kind.MEDIA_PLAYLIST, 0, -1);
    /** Longest name accepted: two 18-digit numbers with their separators fit well within it. */
    private static final int MAX_NAME_LENGTH = 80;
    private static final int MAX_DIGITS = 18;

    public static MediaResource parse(String name) {
        if (name == null || name.length() > MAX_NAME_LENGTH) {
            return UNKNOWN;
        }
        if (name.equals(HlsUris.MEDIA_PLAYLIST)) {
            return PLAYLIST;
        }
        if (name.startsWith("init-") && name.endsWith(".mp4")) {
            long[] n = numbers(name, 5, name.length() - 4, 1);
            return n == null || n[0] <= 0 ? UNKNOWN : new MediaResource(Kind.INIT, n[0], -1);
        }
        if (name.startsWith("part-") && name.endsWith(".m4s")) {
            long[] n = numbers(name, 5, name.length() - 4, 2);
            return n == null || n[0] <= 0 ? UNKNOWN : new MediaResource(Kind.PART, n[0], n[1]);
        }
        if (name.startsWith("seg-") && name.endsWith(".m4s")) {
            long[] n = numbers(name, 4, name.length() - 4, 2);
            return n == null || n[0] <= 0 ? UNKNOWN : new MediaResource(Kind.SEGMENT, n[0], n[1]);
        }
        return UNKNOWN;
    }

    /** Exactly {@code count} '-'-separated decimal numbers in {@code s[from, to)}, or null. */
    private static long[] numbers(String s, int from, int to, int count) {
        long[] out = new long[count];
        int n = 0;
        int digits = 0;
        long value = 0;
        for (int i = from; i <= to; i++) {
            final char c = i < to ? s.charAt(i) : '-';
            if (c == '-') {
                if (digits == 0 || n == count) {
                    return null;
                }
                out[n++] = value;
                value = 0;
                digits = 0;
            } else if (c >= '0' && c <= '9' && digits < MAX_DIGITS) {
                value = value * 10 + (c - '0');
                digits++;
            } else {
                return null;
            }
        }
        return n == count ? out : null;
    }
}
