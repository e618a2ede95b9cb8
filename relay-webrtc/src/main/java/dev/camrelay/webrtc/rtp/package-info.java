/**
 * RTP out to browsers: H.264 packetization mode 1 (RFC 6184) with sequence/timestamp continuity across stream
 * epochs, the per-SSRC send history that answers generic NACKs (RFC 4585 §6.2.1), and parsing of NACK, PLI and FIR
 * feedback (RFC 4585, RFC 5104). Layouts live in {@link dev.camrelay.webrtc.rtp.RtpDescriptor} and
 * {@link dev.camrelay.webrtc.rtp.RtcpDescriptor}.
 */
package dev.camrelay.webrtc.rtp;
