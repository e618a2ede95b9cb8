/**
 * Pulling from cameras (RFC 2326 client): {@link dev.camrelay.rtsp.client.RtspPullSession} drives OPTIONS,
 * DESCRIBE, SETUP and PLAY over one connection with TCP-interleaved media and feeds the receive path.
 */
package dev.camrelay.rtsp.client;
