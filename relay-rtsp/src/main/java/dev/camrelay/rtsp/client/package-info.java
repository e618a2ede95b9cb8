/**
 * Pulling from cameras (RFC 2326 client): {@link dev.camrelay.rtsp.client.RtspPullSession} drives OPTIONS,
 * DESCRIBE, SETUP and PLAY over one connection, media over UDP ({@code PullUdpTracks}) or TCP interleaved
 * ({@code PullTracks}), requests and authentication in {@code ClientRequests}, redirects in
 * {@link dev.camrelay.rtsp.client.Redirects}.
 */
package dev.camrelay.rtsp.client;
