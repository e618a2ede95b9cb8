/**
 * ICE-lite (RFC 8445 §6.1.1, Appendix A) for all WHEP sessions on one UDP port: per-session credentials, the Binding
 * responder that authenticates and nominates, consent freshness (RFC 7675), and first-byte demultiplexing of STUN,
 * DTLS and RTP/RTCP (RFC 7983).
 */
package dev.camrelay.webrtc.ice;
