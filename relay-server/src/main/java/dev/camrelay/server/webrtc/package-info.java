/**
 * WebRTC egress (WHEP, RFC 9725): the HTTP resource, the one UDP port shared by all sessions (ICE-lite, DTLS-SRTP,
 * RTP/RTCP demultiplexed per RFC 7983), and the sender loop that reads each session's own stream reader, packetizes
 * H.264 and sends SRTP.
 */
package dev.camrelay.server.webrtc;
