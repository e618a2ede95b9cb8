/**
 * Camera ingest over RTSP (RFC 2326/7826). Built so far, one package per protocol piece:
 * <ul>
 * <li>{@link dev.camrelay.rtsp.message}: the connection framer (requests, responses and interleaved frames mixed,
 * resync after garbage, limits) and encoder, and the lenient {@code Transport} header;</li>
 * <li>{@link dev.camrelay.rtsp.sdp}: tolerant SDP parser and writer, control URL rules, codec fmtp;</li>
 * <li>{@link dev.camrelay.rtsp.rtp}: RTP header flyweight, reorder buffer, reception statistics, RTCP SR/RR and
 * the NTP/RTP clock mapping;</li>
 * <li>{@link dev.camrelay.rtsp.depacketize}: H.264, H.265, AAC, Opus and G.711 depacketizers publishing whole
 * access units through an {@code AccessUnitSink} (a {@code StreamBuffer} plugs in directly);</li>
 * <li>{@link dev.camrelay.rtsp.receive}: one track's receive path (reorder, statistics, SSRC change, depacketizer,
 * RTCP) and the UDP socket options;</li>
 * <li>{@link dev.camrelay.rtsp.auth}: Basic and Digest authentication, client and server side;</li>
 * <li>{@link dev.camrelay.rtsp.client}: a first pull session over TCP-interleaved transport, and the
 * {@code EpochSink} that opens an {@code IngestSink} epoch and publishes into its {@code StreamBuffer}.</li>
 * </ul>
 * Not built yet: UDP transport with the UDP-to-TCP fallback, redirects, RTP-Info and reconnect with backoff in the
 * client; the ANNOUNCE/RECORD server.
 */
package dev.camrelay.rtsp;
