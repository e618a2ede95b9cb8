/**
 * Camera ingest over RTSP (RFC 2326/7826), one package per protocol piece:
 * <ul>
 * <li>{@link dev.camrelay.rtsp.message}: the connection framer (requests, responses and interleaved frames mixed,
 * resync after garbage, limits) and encoder, and the lenient {@code Transport} header;</li>
 * <li>{@link dev.camrelay.rtsp.sdp}: tolerant SDP parser and writer, control URL rules, codec fmtp;</li>
 * <li>{@link dev.camrelay.rtsp.rtp}: RTP header flyweight, reorder buffer, reception statistics, RTCP SR/RR and
 * the NTP/RTP clock mapping;</li>
 * <li>{@link dev.camrelay.rtsp.depacketize}: H.264, H.265, AAC (RFC 3640 and LATM), Opus and G.711 depacketizers
 * publishing whole access units through an {@code AccessUnitSink} (a {@code StreamBuffer} plugs in directly);</li>
 * <li>{@link dev.camrelay.rtsp.receive}: one track's receive path (reorder, statistics, SSRC change, depacketizer,
 * RTCP), the UDP port pair the push server and the pull client share, and the counters of refused and lost media;</li>
 * <li>{@link dev.camrelay.rtsp.auth}: Basic and Digest authentication, client and server side;</li>
 * <li>{@link dev.camrelay.rtsp.client}: the pull session (UDP first with the fallbacks to TCP interleaved,
 * redirects, re-authentication, keepalives, receiver reports, liveness; rtsps over TLS), and the {@code EpochSink}
 * that opens an {@code IngestSink} epoch and publishes into its {@code StreamBuffer}.</li>
 * </ul>
 * The ANNOUNCE/RECORD server and the reconnecting pull ingest (backoff, on-demand) are in relay-server's
 * {@code server.rtsp}, on top of these pieces. RTP-Info (optional, protocols.md 1.8) is not read: timing comes from
 * RTP and RTCP sender reports.
 */
package dev.camrelay.rtsp;
