/**
 * WebRTC egress over WHEP: signalling, ICE-lite on one UDP port, DTLS-SRTP, RTP packetization and RTCP feedback,
 * each sender reading only its own session's reader. Not built yet: see the WebRTC issue.
 */
package dev.camrelay.webrtc;
