package dev.camrelay.hls.segment;

/**
 * One finished part: a complete {@code moof}+{@code mdat} fragment, immutable once stored.
 *
 * @param index       position in its segment
 * @param number      stream-wide part number (the name's, {@code HlsUris.part})
 * @param duration    seconds
 * @param independent starts with a keyframe
 * @param data        the fragment bytes; never modified after construction, so shared without copying
 */
public record StoredPart(int index, long number, double duration, boolean independent, byte[] data) {
}
