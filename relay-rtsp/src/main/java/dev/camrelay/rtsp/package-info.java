/**
 * Camera ingest over RTSP (RFC 2326): the framer and codec, the pull client and the push (ANNOUNCE/RECORD) server,
 * RTP/RTCP receive and the H.264/H.265/AAC/Opus/G.711 depacketizers that publish whole access units into a camera's
 * {@code StreamBuffer} through an {@code IngestSink}. Not built yet: see the RTSP ingest issue.
 */
package dev.camrelay.rtsp;
