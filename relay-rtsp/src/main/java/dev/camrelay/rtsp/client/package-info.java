/**
 * Pulling from cameras (RFC 2326 client): {@link dev.camrelay.rtsp.client.RtspPullSession} drives OPTIONS,
 * DESCRIBE, SETUP and PLAY over one connection, {@code PullPlayback} what runs while playing (keepalives, receiver
 * reports, liveness), media over UDP ({@code PullUdpTracks}) or TCP interleaved ({@code PullTracks}), requests and
 * authentication in {@code ClientRequests}, redirects in {@link dev.camrelay.rtsp.client.Redirects}, and rtsps
 * (RTSP over TLS, RFC 7826 §19.2) in {@link dev.camrelay.rtsp.client.ClientTls} with the camera's
 * {@link dev.camrelay.rtsp.client.TlsTrust}.
 */
package dev.camrelay.rtsp.client;
