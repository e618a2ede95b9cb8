/**
 * Low-Latency HLS egress: the fMP4/CMAF muxer, one per stream, reading only that stream's reader (obtained through a
 * viewer session), parts and segments in the stream's own storage, and session-bound playlists. Not built yet: see
 * the LL-HLS issue.
 */
package dev.camrelay.hls;
