/**
 * Low-Latency HLS egress, one package per concern:
 * <ul>
 *   <li>{@code fmp4}: the fragmented-MP4/CMAF writer: init sections and {@code moof}+{@code mdat} fragments;</li>
 *   <li>{@code codec}: RFC 6381 codec strings and the H.265 SPS fields the muxer needs;</li>
 *   <li>{@code playlist}: media and multivariant playlists rendered from immutable snapshots, the relative,
 *       epoch-carrying URIs, and the blocking-reload query directives;</li>
 *   <li>{@code segment}: the per-stream segmenter cutting parts and segments into the stream's own bounded
 *       storage, and the agent that feeds it from the stream's {@code StreamReader}.</li>
 * </ul>
 * Not here yet: the HTTP handlers (session-bound paths, blocking, 503/404/403).
 */
package dev.camrelay.hls;
