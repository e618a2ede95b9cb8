/**
 * One track's receive path: {@link dev.camrelay.rtsp.receive.RtpTrackReceiver} ties the reorder buffer, reception
 * statistics, SSRC tracking, RTCP and a depacketizer together; {@link dev.camrelay.rtsp.receive.UdpReceiveOptions}
 * holds the datagram socket options RTP needs.
 */
package dev.camrelay.rtsp.receive;
