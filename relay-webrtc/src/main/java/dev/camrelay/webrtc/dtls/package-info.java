/**
 * DTLS-SRTP (RFC 5763, RFC 5764) on BouncyCastle bctls: the relay's self-signed ECDSA P-256 certificate and its
 * fingerprint, a DTLS 1.2 server that checks the browser's certificate against the offered fingerprint and
 * negotiates use_srtp, the exported SRTP keying material, and a datagram transport fed from the shared UDP port.
 */
package dev.camrelay.webrtc.dtls;
