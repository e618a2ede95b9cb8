/**
 * SRTP and SRTCP packet protection (RFC 3711, RFC 7714) for the profiles the relay negotiates over DTLS-SRTP: key
 * derivation, AES counter mode with HMAC-SHA1-80, and AES-128-GCM.
 */
package dev.camrelay.webrtc.srtp;
