/**
 * RTSP on the wire (RFC 2326, RFC 7826): {@link dev.camrelay.rtsp.message.RtspFramer} splits a connection into
 * requests, responses and {@code $}-interleaved frames, {@link dev.camrelay.rtsp.message.RtspEncoder} writes them,
 * limits live in {@link dev.camrelay.rtsp.message.RtspLimits}, and
 * {@link dev.camrelay.rtsp.message.RtspTransport} reads the {@code Transport} header as cameras write it.
 */
package dev.camrelay.rtsp.message;
