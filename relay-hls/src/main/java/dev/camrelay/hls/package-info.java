/**
 * Low-Latency HLS egress, one package per concern:
 * <ul>
 *   <li>{@code fmp4}: the fragmented-MP4/CMAF writer: init sections and {@code moof}+{@code mdat} fragments;</li>
 *   <li>{@code codec}: RFC 6381 codec strings and the H.265 SPS fields the muxer needs;</li>
 *   <li>{@code playlist}: media and multivariant playlists rendered from immutable snapshots, the relative,
 *       epoch-carrying URIs, and the blocking-reload query directives;</li>
 *   <li>{@code segment}: the per-stream segmenter cutting parts and segments into the stream's own bounded
 *       storage.</li>
 * </ul>
 * Not here yet: the HTTP handlers (session-bound paths, blocking, 503/404/403) and the agent that reads a viewer
 * session's {@code StreamReader} into a {@code StreamSegmenter}.
 */
package dev.camrelay.hls;
