/**
 * WebRTC egress over WHEP, one protocol per package:
 * <ul>
 *   <li>{@code stun}: STUN message flyweights (RFC 8489) with MESSAGE-INTEGRITY and FINGERPRINT;</li>
 *   <li>{@code ice}: the ICE-lite responder (RFC 8445 §6.1.1), consent freshness (RFC 7675) and the
 *       one-port demultiplexer (RFC 7983);</li>
 *   <li>{@code sdp}: WHEP offer parsing and answer generation;</li>
 *   <li>{@code dtls}: the DTLS-SRTP server (RFC 5763/5764) on BouncyCastle bctls;</li>
 *   <li>{@code rtp}: H.264 packetization (RFC 6184), the NACK send history and RTCP feedback parsing.</li>
 * </ul>
 * Not built yet: SRTP protection, the UDP channel and session wiring, WHEP HTTP handlers, TWCC/REMB, pacing.
 */
package dev.camrelay.webrtc;
