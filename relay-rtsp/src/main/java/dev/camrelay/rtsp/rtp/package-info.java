/**
 * RTP and RTCP (RFC 3550): the header layout ({@link dev.camrelay.rtsp.rtp.RtpDescriptor}) and flyweight
 * ({@link dev.camrelay.rtsp.rtp.RtpPacket}), the bounded reorder buffer, reception statistics for receiver reports,
 * sender report parsing and the NTP/RTP clock mapping. Everything here is confined to one receive thread and
 * allocates nothing per packet.
 */
package dev.camrelay.rtsp.rtp;
