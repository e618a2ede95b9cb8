/**
 * Session descriptions (RFC 4566) as cameras send them: {@link dev.camrelay.rtsp.sdp.SdpParser} skips what it
 * cannot read track by track, {@link dev.camrelay.rtsp.sdp.SdpWriter} writes, {@link dev.camrelay.rtsp.sdp.ControlUrls}
 * resolves base and track URLs, and the fmtp records read codec parameters (RFC 6184, RFC 7798, RFC 3640).
 */
package dev.camrelay.rtsp.sdp;
